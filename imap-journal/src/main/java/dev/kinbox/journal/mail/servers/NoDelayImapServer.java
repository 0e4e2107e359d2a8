package dev.kinbox.journal.mail.servers;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.Socket;
import java.net.SocketException;

/**
 * GreenMail's IMAP service with TCP_NODELAY on every client connection, as Dovecot sets it. GreenMail
 * leaves Nagle's algorithm on, so each command whose answer has untagged lines before the tagged one
 * (SELECT, SEARCH, FETCH, STATUS, LIST) held the tagged line back until the client's delayed ACK, about
 * 40 ms on Linux: whatever the client did, such a command took 40 ms. A pairing is a few dozen of them
 * ({@code kinbox bench pairing --store greenmail}: p50 2,450 ms before, 144 ms with this; docs/BENCHMARKS.md).
 * Otherwise GreenMail's own {@code ImapServer}, which is final.
 */
final class NoDelayImapServer extends AbstractServer {
    NoDelayImapServer(ServerSetup setup, Managers managers) {
        super(setup, managers);
    }

    @Override protected ProtocolHandler createProtocolHandler(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
        } catch (SocketException e) {
            log.debug("cannot set TCP_NODELAY on {}: {}", socket, e.toString()); // a closed socket: its handler ends at once
        }
        return new ImapHandler(managers.getUserManager(), managers.getImapHostManager(), socket);
    }
}
