package dev.kinbox.actors.muaa;

import dev.kinbox.journal.mail.AppendResult;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.FolderStatus;
import dev.kinbox.journal.mail.ForwardingMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A device's view of a shared test store that the test switches: all of it out of reach while
 * {@code offline} (a lost connection), every APPEND lost while {@code unwritable}, and the folder
 * {@code unreadable} names not served (STATUS, FETCH and SEARCH answered NO), and the APPEND of the message
 * {@code heldMessage} names held. Closing it leaves the shared store open.
 */
final class SwitchedServer extends ForwardingMailStore {
    final AtomicBoolean offline = new AtomicBoolean();
    final AtomicBoolean unwritable = new AtomicBoolean();
    final AtomicReference<String> unreadable = new AtomicReference<>();
    /** A folder every APPEND into is lost (as {@code unwritable}, for that folder only). */
    final AtomicReference<String> unwritableFolder = new AtomicReference<>();
    /**
     * The Message-ID of a message whose APPEND waits until {@code release} opens (lost after 30 s); {@code holding} opens
     * as it arrives.
     */
    final AtomicReference<String> heldMessage = new AtomicReference<>();
    final CountDownLatch holding = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    /** LIST commands refused as {@code offline} (a liveness check begins with one). */
    final AtomicInteger refusedListings = new AtomicInteger();
    /** SEARCH commands answered (a drop poll begins with one). */
    final AtomicInteger searches = new AtomicInteger();

    SwitchedServer(MailStore shared) { super(shared); }

    private void reach() {
        if (offline.get()) throw new MailStoreException.ConnectionLost("offline (the test)", null);
    }

    private void read(String folder) {
        reach();
        if (folder.equals(unreadable.get())) throw new MailStoreException.CommandRefused("server said NO [UNAVAILABLE] (the test)", null);
    }

    @Override public List<String> listFolders() {
        if (offline.get()) refusedListings.incrementAndGet();
        reach();
        return super.listFolders();
    }

    @Override public FolderStatus status(String folder) {
        read(folder);
        return super.status(folder);
    }

    @Override public AppendResult append(String folder, List<NewMessage> messages) {
        reach();
        if (unwritable.get() || folder.equals(unwritableFolder.get())) throw new MailStoreException.ConnectionLost("APPEND: connection lost (the test)", null);
        String held = heldMessage.get();
        if (held != null && messages.stream().anyMatch(m -> m.messageId().filter(held::equals).isPresent())) hold();
        return super.append(folder, messages);
    }

    private void hold() {
        holding.countDown();
        try {
            if (!release.await(30, TimeUnit.SECONDS)) throw new MailStoreException.ConnectionLost("APPEND: held past 30 s (the test)", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailStoreException.ConnectionLost("APPEND: interrupted while held (the test)", e);
        }
    }

    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) {
        read(folder);
        return super.fetch(folder, range, what);
    }

    @Override public List<Long> search(String folder, String header, String value) {
        read(folder);
        List<Long> found = super.search(folder, header, value);
        searches.incrementAndGet();
        return found;
    }

    @Override public void close() { }
}
