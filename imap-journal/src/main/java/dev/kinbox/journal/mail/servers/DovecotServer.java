package dev.kinbox.journal.mail.servers;

import dev.kinbox.journal.mail.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The installed Dovecot started as a throw-away server: generated config in a temp dir (passwd-file
 * users, maildir, a free loopback port, no TLS unless started with {@link #startWithTls},
 * {@code mail_max_userip_connections = 1000},
 * {@code mailbox_idle_check_interval = 1 secs}, room for 4,096 IMAP processes and 10,000 clients per
 * service - a simulation of 500 devices holds 1,500 connections, one process each -, and
 * {@code mail_fsync = never}: a throw-away server needs no durability, and a 500-device simulation
 * spent 40% of the CPU in the kernel, its fsyncs part of it), started with {@code dovecot -c CONF}, stopped with
 * {@code doveadm -c CONF stop} and by waiting for the pid in {@code run/master.pid}. Users are added
 * to the passwd-file, which Dovecot re-reads when it changes. Needs to run as root (mail is stored as
 * {@code nobody}), as on CI.
 */
public final class DovecotServer implements LocalImapServer {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    /** How long a restart lets the server's processes end on SIGTERM before it kills them (measured: 0.1-1 s). */
    private static final Duration TERM_WAIT = Duration.ofSeconds(3);

    private final Path dir;
    private final Path conf;
    private final int port;
    private final int tlsPort;
    private final SecureRandom random;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private boolean stopped;

    private DovecotServer(Path dir, int port, int tlsPort, SecureRandom random) {
        this.dir = dir;
        this.conf = dir.resolve("dovecot.conf");
        this.port = port;
        this.tlsPort = tlsPort;
        this.random = random;
    }

    /** Whether a dovecot binary (and doveadm) can be found. */
    public static boolean isInstalled() {
        return binary("dovecot").isPresent() && binary("doveadm").isPresent();
    }

    /** Starts a server without TLS and waits for its greeting. */
    public static DovecotServer start(SecureRandom random) throws IOException {
        return start(random, null, false);
    }

    /**
     * Starts a server that offers STARTTLS on {@link #port()} and implicit TLS on {@link #tlsPort()},
     * presenting {@code certificate} ({@code ssl = yes}). With {@code required} it is
     * {@code ssl = required} and {@code disable_plaintext_auth = yes}: no login before TLS, and
     * LOGINDISABLED announced on plain connections. Dovecot counts a connection whose remote address
     * equals its local one (127.0.0.1 to 127.0.0.1) as secure and lets it log in anyway; a client
     * connecting from another loopback address (127.0.0.2) sees the rule.
     */
    public static DovecotServer startWithTls(SecureRandom random, ThrowawayCertificate certificate, boolean required) throws IOException {
        return start(random, java.util.Objects.requireNonNull(certificate, "certificate"), required);
    }

    private static DovecotServer start(SecureRandom random, ThrowawayCertificate certificate, boolean required) throws IOException {
        String dovecot = binary("dovecot").orElseThrow(() -> new IllegalStateException("dovecot not installed"));
        Path dir = Files.createTempDirectory("kinbox-dovecot-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = freePort();
        int tlsPort = certificate == null ? 0 : freePort(port);
        DovecotServer s = new DovecotServer(dir, port, tlsPort, random);
        try {
            String tls = "ssl = no\ndisable_plaintext_auth = no\n";
            if (certificate != null) {
                Path tlsDir = Files.createDirectories(dir.resolve("tls"));
                Files.setPosixFilePermissions(tlsDir, PosixFilePermissions.fromString("rwx------"));
                certificate.writePem(tlsDir.resolve("cert.pem"), tlsDir.resolve("key.pem"));
                tls = "ssl = " + (required ? "required" : "yes") + "\n"
                        + "ssl_cert = <" + tlsDir.resolve("cert.pem") + "\n"
                        + "ssl_key = <" + tlsDir.resolve("key.pem") + "\n"
                        + "disable_plaintext_auth = " + (required ? "yes" : "no") + "\n";
            }
            Path mail = Files.createDirectories(dir.resolve("mail"));
            chownNobody(mail);
            Path users = dir.resolve("users.passwd");
            Files.writeString(users, "");
            Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(s.conf, config(dir, port, tlsPort, tls));
            run(List.of(dovecot, "-c", s.conf.toString()), START_TIMEOUT, dir.resolve("start.out"));
            s.awaitGreeting();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw s.failed("dovecot did not start", e);
        }
    }

    @Override public String kind() { return "dovecot"; }

    @Override public String host() { return "127.0.0.1"; }

    @Override public int port() { return port; }

    /** The implicit-TLS (imaps) port; only for a server started with {@link #startWithTls}. */
    public int tlsPort() {
        if (tlsPort == 0) throw new IllegalStateException("this dovecot was started without TLS");
        return tlsPort;
    }

    /** The directory holding config, mail and log. */
    public Path directory() { return dir; }

    @Override public synchronized Account addUser(String user) {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return addUser(user, HexFormat.of().formatHex(b));
    }

    @Override public synchronized Account addUser(String user, String pw) {
        Account known = accounts.get(user);
        if (known != null) return known;
        if (pw.contains(":") || pw.contains("\n") || pw.contains("\r")) throw new IllegalArgumentException("a dovecot fixture password cannot hold ':' or a line break");
        Account a = new Account(user, Secret.of(pw));
        try {
            Path users = dir.resolve("users.passwd");
            java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(users);
            Files.writeString(users, user + ":{PLAIN}" + pw + "::::::\n", StandardOpenOption.APPEND);
            // Dovecot re-reads a passwd-file when its mtime (whole seconds) differs from the one it
            // loaded; two writes within one second would look unchanged, so step the mtime ourselves.
            Files.setLastModifiedTime(users, java.nio.file.attribute.FileTime.from(
                    before.toInstant().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot add dovecot user " + user, e);
        }
        // Dovecot stats the passwd-file at most once per wall-clock second (per auth process): a
        // login earlier in this second hides the new user until the next one. Before the first
        // user nobody has logged in, so only later users wait (at most a second).
        if (!accounts.isEmpty()) awaitNextSecond();
        accounts.put(user, a);
        return a;
    }

    /** Closes every IMAP connection of a user ({@code doveadm kick}); for reconnect tests. */
    public void kick(String user) throws IOException {
        String doveadm = binary("doveadm").orElseThrow();
        run(List.of(doveadm, "-c", conf.toString(), "kick", user), Duration.ofSeconds(10), dir.resolve("kick.out"));
    }

    /**
     * Stops the server (every process signalled, see {@link #stopEverything}) and starts it again on
     * the same port, config, users and mail: every connection drops, as at a real server's restart;
     * the server is away for about a tenth of a second. {@link IllegalStateException} when it does not
     * come back.
     */
    @Override public synchronized void restart() {
        if (stopped) throw new IllegalStateException("this dovecot was closed");
        stopEverything();
        startAgain();
    }

    /**
     * Stops the server as {@link #restart()} does, then restores the folder as from a backup of its
     * maildir without Dovecot's own files: deletes its {@code dovecot-uidlist} and its index files
     * ({@code dovecot.index*}, kept in the maildir itself by this config), and the user's mailbox-list
     * index ({@code dovecot.list.index*}, a cache of every folder's STATUS), deletes the
     * {@code newestLost} newest message files (by the old uidlist's UIDs), and renames the message
     * files (flags, sizes and dates kept) so that their names sort in a new random order - Dovecot
     * numbers the files of a folder without a uidlist from UID 1 in file-name order. Dovecot gives
     * the folder a new UIDVALIDITY from the user's {@code dovecot-uidvalidity} counter (measured: one
     * above the last value it handed out to any folder of the user, whatever the clock says). After
     * the start, {@code doveadm mailbox status} makes Dovecot renumber the folder at once and checks
     * that its UIDVALIDITY changed ({@link IllegalStateException} if not).
     */
    @Override public synchronized void rebuild(String user, String folder, int newestLost) {
        if (newestLost < 0) throw new IllegalArgumentException("newestLost must be at least 0: " + newestLost);
        if (stopped) throw new IllegalStateException("this dovecot was closed");
        String name = FolderNames.checked(folder);
        if (user == null || !accounts.containsKey(user)) throw new IllegalArgumentException("no user " + user + " on this dovecot");
        Path root = dir.resolve("mail").resolve(user).resolve("Maildir");
        Path maildir = name.equals("INBOX") ? root : root.resolve("." + name);
        if (!Files.isDirectory(maildir.resolve("cur")) || !Files.isDirectory(maildir.resolve("new"))) {
            throw new IllegalArgumentException("user " + user + " has no folder " + name + (Files.isDirectory(root) ? "" : " (never logged in)"));
        }
        long before = uidValidity(user, name);
        stopEverything();
        IllegalStateException failed = null;
        try {
            forgetUids(root, maildir, newestLost);
        } catch (IOException e) {
            failed = new IllegalStateException("dovecot folder " + name + " of " + user + " not rebuilt: " + e.getMessage(), e);
        }
        try {
            startAgain();
        } catch (IllegalStateException e) {
            if (failed != null) e.addSuppressed(failed);
            throw e;
        }
        if (failed != null) throw failed;
        long after = uidValidity(user, name);
        if (after == before) throw new IllegalStateException("dovecot kept UIDVALIDITY " + before + " of folder " + name + " of " + user);
    }

    /**
     * Stops the server: signals its process group - the master made it (it daemonizes with
     * {@code setsid}) and every process it forks joins it, so the signal also reaches a login process
     * forked a moment before (signalling the processes found one by one left such a late one holding
     * the port) - with SIGTERM, on which each process ends cleanly, releasing its locks, within about
     * a second; what still runs after {@link #TERM_WAIT} gets SIGKILL. Waits until none of the group
     * runs (at most {@link #STOP_TIMEOUT}). A graceful {@code doveadm stop} took 2.5-6 s here, and the
     * simulator's devices, whose clocks run thousands of times faster, saw each restart as hours of
     * outage (docs/SIMULATOR.md, "Faults"); SIGKILL alone was fast but left maildir dotlocks that made
     * later DELETEs wait past their timeout. A zombie counts as stopped - its ports and files are
     * closed; reaping it is up to init, which here took up to 2 s - so the pid file goes too, or the
     * new master would take the zombie for a running instance.
     */
    private void stopEverything() {
        Optional<Long> group = readPid().filter(this::isOurMaster);
        try {
            if (group.isPresent()) {
                signalGroup("-TERM", group.get());
                if (!awaitGroupEnd(group.get(), TERM_WAIT)) {
                    signalGroup("-KILL", group.get());
                    if (!awaitGroupEnd(group.get(), STOP_TIMEOUT)) {
                        throw failed("dovecot's processes did not end within " + STOP_TIMEOUT.toSeconds() + " s of SIGKILL", null);
                    }
                }
            }
            Files.deleteIfExists(dir.resolve("run/master.pid"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("interrupted while stopping dovecot", e);
        } catch (IOException e) {
            throw failed("cannot delete dovecot's pid file", e);
        }
    }

    private void signalGroup(String signal, long group) {
        try {
            run(List.of(binary("kill").orElse("kill"), signal, "--", "-" + group), STOP_TIMEOUT, dir.resolve("kill.out"));
        } catch (IOException e) {
            // the group is gone already; the wait that follows says whether it is
        }
    }

    /** Waits until no process of {@code group} runs, at most {@code wait}; true if none does. */
    private static boolean awaitGroupEnd(long group, Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (groupRuns(group)) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    /** Whether {@code pid} is this server's master (its command line names our config): a stale pid file must not kill a stranger. */
    private boolean isOurMaster(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).map(c -> c.contains(conf.toString())).orElse(false);
    }

    /** Whether a process of process group {@code group} runs (alive and not a zombie), by {@code /proc/PID/stat}. */
    private static boolean groupRuns(long group) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).anyMatch(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return Long.parseLong(f[2]) == group && !f[0].equals("Z") && !f[0].equals("X");
                } catch (IOException | RuntimeException gone) {
                    return false;
                }
            });
        }
    }

    /** Starts the stopped server on the same config and waits for its greeting. */
    private void startAgain() {
        try {
            run(List.of(binary("dovecot").orElseThrow(), "-c", conf.toString()), START_TIMEOUT, dir.resolve("start.out"));
            awaitGreeting();
        } catch (IOException | RuntimeException e) {
            throw failed("dovecot did not restart", e);
        }
    }

    /**
     * Deletes the folder's UID and index files and the list index, deletes its {@code newestLost}
     * newest messages (by old UID), and renames the rest into a new order (server stopped).
     */
    private void forgetUids(Path root, Path maildir, int newestLost) throws IOException {
        Map<String, Long> oldUids = uidsByFileName(maildir.resolve("dovecot-uidlist"));
        try (Stream<Path> files = Stream.concat(Files.list(maildir), Files.list(root))) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                boolean uids = p.getParent().equals(maildir) && (n.equals("dovecot-uidlist") || n.startsWith("dovecot.index"));
                if (uids || n.startsWith("dovecot.list.index")) Files.deleteIfExists(p);
            }
        }
        List<Path> messages = new ArrayList<>();
        for (String sub : List.of("cur", "new")) {
            try (Stream<Path> files = Files.list(maildir.resolve(sub))) {
                files.filter(p -> !p.getFileName().toString().startsWith(".")).forEach(messages::add);
            }
        }
        // in their old UID order (files the uidlist did not know last), so that "another order" is one
        messages.sort(Comparator.comparing((Path p) -> oldUids.getOrDefault(baseName(p), Long.MAX_VALUE)).thenComparing(Path::getFileName));
        while (newestLost-- > 0 && !messages.isEmpty()) Files.delete(messages.remove(messages.size() - 1)); // not in the backup
        List<Path> order = FolderNames.anotherOrder(messages, random);
        long second = System.currentTimeMillis() / 1000;
        String token = HexFormat.of().formatHex(randomBytes(4));
        for (int i = 0; i < order.size(); i++) {
            Path p = order.get(i);
            // <seconds>.M<position>R<token>.<host><,S=..,W=..><:2,flags>: Dovecot sorts by seconds, then by the
            // number after M (microseconds in its own names); sizes and flags stay as they were, the mtime
            // (INTERNALDATE) too, as rename keeps it. Files.move refuses to overwrite.
            String n = p.getFileName().toString();
            int info = n.indexOf(':');
            String base = baseName(p);
            String sizes = base.indexOf(',') < 0 ? "" : base.substring(base.indexOf(','));
            String renamed = second + ".M" + i + "R" + token + ".kinbox-rebuild" + sizes + (info < 0 ? "" : n.substring(info));
            Files.move(p, p.resolveSibling(renamed));
        }
    }

    /** UID by file base name from a {@code dovecot-uidlist} (v3 lines {@code <uid> [<key><value> ...] :<base name>}); empty if there is none. */
    private static Map<String, Long> uidsByFileName(Path uidlist) throws IOException {
        if (!Files.exists(uidlist)) return Map.of();
        Map<String, Long> out = new HashMap<>();
        List<String> lines = Files.readAllLines(uidlist, StandardCharsets.UTF_8);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            int name = line.indexOf(" :");
            int space = line.indexOf(' ');
            if (name < 0 || space < 1) continue;
            try {
                out.put(line.substring(name + 2), Long.parseLong(line.substring(0, space)));
            } catch (NumberFormatException notAnEntry) {
                // skip it: the order is only a preference
            }
        }
        return out;
    }

    /** A maildir file name without its {@code :2,<flags>} info part. */
    private static String baseName(Path p) {
        String n = p.getFileName().toString();
        int info = n.indexOf(':');
        return info < 0 ? n : n.substring(0, info);
    }

    /** The folder's UIDVALIDITY as {@code doveadm mailbox status} reports it (which also syncs the folder). */
    private long uidValidity(String user, String folder) {
        Path out = dir.resolve("status.out");
        try {
            run(List.of(binary("doveadm").orElseThrow(), "-c", conf.toString(), "mailbox", "status", "-u", user, "uidvalidity", folder),
                    Duration.ofSeconds(10), out);
            Matcher m = Pattern.compile("uidvalidity=(\\d+)").matcher(Files.readString(out));
            if (m.find()) return Long.parseLong(m.group(1));
            throw new IOException("no uidvalidity in: " + Files.readString(out).strip());
        } catch (IOException | RuntimeException e) {
            throw failed("cannot read UIDVALIDITY of " + folder + " of " + user, e);
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Override public synchronized void close() {
        if (stopped) return;
        stopped = true;
        try {
            stopMaster();
        } finally {
            deleteTree(dir);
        }
    }

    /** {@code doveadm stop}, then waits for the master process to exit (killing it after the timeout). */
    private void stopMaster() {
        Optional<ProcessHandle> master = readPid().flatMap(ProcessHandle::of);
        if (master.isEmpty()) return;
        try {
            run(List.of(binary("doveadm").orElse("doveadm"), "-c", conf.toString(), "stop"), STOP_TIMEOUT, dir.resolve("stop.out"));
        } catch (IOException | RuntimeException e) {
            // fall through to waiting and killing
        }
        ProcessHandle h = master.get();
        try {
            h.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timeout) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
    }

    // --- internals ------------------------------------------------------------------------------

    static String config(Path dir, int port, int tlsPort, String tls) {
        return """
                protocols = imap
                listen = 127.0.0.1
                base_dir = $DIR/run
                state_dir = $DIR/state
                instance_name = kinbox-test-$PORT
                log_path = $DIR/dovecot.log
                info_log_path = $DIR/dovecot.log
                $TLS                auth_mechanisms = plain login
                auth_failure_delay = 0
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN username_format=%u $DIR/users.passwd
                }
                userdb {
                  driver = static
                  args = uid=nobody gid=nogroup home=$DIR/mail/%u
                }
                mail_location = maildir:~/Maildir
                mail_attribute_dict = file:%h/dovecot-attributes
                mail_max_userip_connections = 1000
                default_client_limit = 10000
                mail_fsync = never
                mailbox_idle_check_interval = 1 secs
                namespace inbox {
                  inbox = yes
                  separator = /
                }
                protocol imap {
                  imap_metadata = yes
                }
                service imap-login {
                  inet_listener imap {
                    address = 127.0.0.1
                    port = $PORT
                  }
                  inet_listener imaps {
                    address = 127.0.0.1
                    port = $TLSPORT
                  }
                  process_min_avail = 1
                }
                service imap {
                  process_limit = 4096
                }
                """.replace("$TLSPORT", Integer.toString(tlsPort)).replace("$TLS", tls).replace("$DIR", dir.toString())
                .replace("$PORT", Integer.toString(port));
    }

    private static void awaitNextSecond() {
        long second = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 30 && System.currentTimeMillis() / 1000 == second; i++) {
            try {
                Thread.sleep(Math.max(1, 1000 - System.currentTimeMillis() % 1000 + 5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void awaitGreeting() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                s.setSoTimeout(2000);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (line != null && line.startsWith("* OK")) return;
                last = new IOException("unexpected greeting");
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for dovecot");
            }
        }
        throw new IOException("no IMAP greeting on port " + port + " within " + START_TIMEOUT.toSeconds() + " s", last);
    }

    private Optional<Long> readPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(dir.resolve("run/master.pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code what} failed because of {@code e}, with the server log's last lines to tell why - unless the
     * caller was interrupted (a run ending, a test's timeout): then the log says nothing about it.
     */
    private IllegalStateException failed(String what, Exception e) {
        String why = what + ": " + e.getMessage();
        return new IllegalStateException(e instanceof InterruptedIOException ? why : why + "\n" + logTail(), e);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("dovecot.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no dovecot.log)";
        }
    }

    private static void run(List<String> cmd, Duration timeout, Path output) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        if (p.exitValue() != 0) {
            String out = Files.exists(output) ? Files.readString(output) : "";
            throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + out.strip());
        }
    }

    static Optional<String> binary(String name) {
        for (String d : new String[] {"/usr/sbin", "/usr/local/sbin"}) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) return Optional.of(p.toString());
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (d.isEmpty()) continue;
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A free port other than {@code taken} (bounded: the kernel rarely hands out the same one twice). */
    private static int freePort(int taken) throws IOException {
        for (int i = 0; i < 10; i++) {
            int p = freePort();
            if (p != taken) return p;
        }
        throw new IOException("no second free loopback port");
    }

    private static void chownNobody(Path p) throws IOException {
        UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(lookup.lookupPrincipalByName("nobody"));
        view.setGroup(lookup.lookupPrincipalByGroupName("nogroup"));
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a socket or a file still held: leave it in /tmp
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
