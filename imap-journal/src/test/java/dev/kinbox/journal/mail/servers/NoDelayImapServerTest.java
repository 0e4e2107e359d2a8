package dev.kinbox.journal.mail.servers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The embedded server answers without Nagle's delay, as a real server does (see {@link NoDelayImapServer}). */
class NoDelayImapServerTest {
    @Test
    void everyConnectionTheServerTakes_hasNagleTurnedOff() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket listening = new ServerSocket(0, 1, loopback);
             Socket client = new Socket(loopback, listening.getLocalPort());
             Socket accepted = listening.accept()) {
            assertFalse(accepted.getTcpNoDelay(), "the JDK's default changed: this test proves nothing");
            NoDelayImapServer server = new NoDelayImapServer(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP), new Managers());

            assertNotNull(server.createProtocolHandler(accepted));

            assertTrue(accepted.getTcpNoDelay(), "the server's side of the connection still delays small writes");
        }
    }
}
