package dev.latchkey.testkit.mail;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SMTP server on the loopback address (GreenMail) that keeps every mail it receives, for
 * tests of code that sends mail. Any recipient is accepted; nothing is relayed anywhere.
 *
 * <pre>{@code
 * try (FakeMailbox mailbox = FakeMailbox.start()) {
 *     // point the code under test at mailbox.host() / mailbox.port(), security "none"
 *     ReceivedMail mail = mailbox.awaitMessageTo("ann@example.com", Duration.ofSeconds(5));
 *     String token = mail.link("https://app.example.com/confirm").queryParameter("token");
 * }
 * }</pre>
 *
 * <p>Speaks plain SMTP only (no STARTTLS, no SMTPS), so a sender must use security {@code "none"}
 * with it; a sender that insists on TLS fails against it, which is itself worth a test.
 *
 * <p>Failing on demand: {@link #unusedPort()} gives a port where nothing listens (connection
 * refused); {@link #startOn(int)} starts a mailbox there later, so a test can let a first attempt fail
 * and a retry succeed. {@link FailingSmtpServer} refuses with a 5xx greeting or stalls.
 *
 * <p>{@link #startRequiringLogin(String, String)} makes a mailbox that knows one account: a log-in
 * with other credentials is answered {@code 535}. GreenMail cannot refuse a mail from a client that
 * does not log in at all; such mail is accepted on the wire but dropped, counted, and named in the
 * {@link #awaitMessageTo} failure, so a test still sees that the sender did not authenticate.
 *
 * <p>Thread-safe. GreenMail's own threads stop with {@link #close()}.
 */
public final class FakeMailbox implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private static final String QUARANTINE = "unauthenticated@fake-mailbox.invalid";
    private static final Duration POLL = Duration.ofMillis(20);

    private final GreenMail greenMail;
    private final boolean loginRequired;
    private final AtomicInteger unauthenticated = new AtomicInteger();
    /** Per recipient (lower case), how many of its mails {@link #awaitMessageTo} has handed out. */
    private final Map<String, Integer> handedOut = new HashMap<>();

    private FakeMailbox(int port, String username, String password) {
        ServerSetup setup = new ServerSetup(port, LOOPBACK, ServerSetup.PROTOCOL_SMTP);
        if (port == 0) {
            setup = setup.dynamicPort();
        }
        this.loginRequired = username != null;
        this.greenMail = new GreenMail(setup);
        if (loginRequired) {
            greenMail.withConfiguration(GreenMailConfiguration.aConfig().withUser(username, password));
        } else {
            // Any credentials are good: a sender configured with a log-in can use this mailbox too.
            greenMail.withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        }
        greenMail.start();
        if (loginRequired) {
            UserManager users = greenMail.getUserManager();
            MessageDeliveryHandler normal = users.getMessageDeliveryHandler();
            GreenMailUser quarantine;
            try {
                quarantine = users.createUser(QUARANTINE, QUARANTINE, QUARANTINE);
            } catch (UserException e) {
                greenMail.stop();
                throw new IllegalStateException("cannot set up the fake mailbox", e);
            }
            users.setMessageDeliveryHandler((message, address) -> {
                if (message.getAuthenticationState() == null) {
                    unauthenticated.incrementAndGet();
                    return quarantine;
                }
                return normal.handle(message, address);
            });
        }
    }

    /**
     * Starts a mailbox on a free port.
     *
     * @return the running mailbox
     */
    public static FakeMailbox start() {
        return new FakeMailbox(0, null, null);
    }

    /**
     * Starts a mailbox on a given port, e.g. one from {@link #unusedPort()} that a sender already
     * failed to reach.
     *
     * @param port the port, 1 to 65535
     * @return the running mailbox
     */
    public static FakeMailbox startOn(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be from 1 to 65535");
        }
        return new FakeMailbox(port, null, null);
    }

    /**
     * Starts a mailbox on a free port that accepts exactly one log-in; see the class description.
     *
     * @param username the account's log-in name
     * @param password its password
     * @return the running mailbox
     */
    public static FakeMailbox startRequiringLogin(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        return new FakeMailbox(0, username, password);
    }

    /**
     * A loopback port where nothing listens just now: connecting to it is refused. Another process
     * could take it in the meantime, as with any port chosen this way; in a test that is rare.
     *
     * @return the port
     */
    public static int unusedPort() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * The address to send to.
     *
     * @return {@code 127.0.0.1}
     */
    public String host() {
        return LOOPBACK;
    }

    /**
     * The port to send to.
     *
     * @return the SMTP port
     */
    public int port() {
        return greenMail.getSmtp().getPort();
    }

    /**
     * The mails received for a recipient so far, oldest first.
     *
     * @param address the recipient (the SMTP envelope's {@code RCPT TO}), compared ignoring case
     * @return the mails
     */
    public List<ReceivedMail> messagesTo(String address) {
        Objects.requireNonNull(address, "address");
        // GreenMail's user list is a live collection that a delivery in progress may grow while we
        // read it: read it again rather than fail.
        for (int attempt = 1; ; attempt++) {
            try {
                List<ReceivedMail> mails = new ArrayList<>();
                for (GreenMailUser user : greenMail.getUserManager().listUser()) {
                    if (!user.getEmail().equals(QUARANTINE) && user.getEmail().equalsIgnoreCase(address)) {
                        greenMail.findReceivedMessages(u -> u == user, m -> true).map(ReceivedMail::of).forEach(mails::add);
                    }
                }
                return mails;
            } catch (ConcurrentModificationException e) {
                if (attempt >= 100) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * The latest mail received for a recipient.
     *
     * @param address the recipient
     * @return the mail, or empty when none came
     */
    public Optional<ReceivedMail> lastMessageTo(String address) {
        List<ReceivedMail> mails = messagesTo(address);
        return mails.isEmpty() ? Optional.empty() : Optional.of(mails.get(mails.size() - 1));
    }

    /**
     * Waits for the next mail to a recipient. Successive calls for one address return successive
     * mails: the first call the first mail, the second call the second (waiting for it if need be),
     * so a test of "resend" gets the new mail, not the old one again.
     *
     * @param address the recipient
     * @param timeout how long to wait
     * @return the mail
     * @throws AssertionError when none comes in time; it names the address and what arrived instead
     */
    public ReceivedMail awaitMessageTo(String address, Duration timeout) {
        Objects.requireNonNull(address, "address");
        String key = address.toLowerCase(Locale.ROOT);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                List<ReceivedMail> mails = messagesTo(address);
                int next = handedOut.getOrDefault(key, 0);
                if (mails.size() > next) {
                    handedOut.put(key, next + 1);
                    return mails.get(next);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new AssertionError(nothingArrived(address, timeout, next));
                }
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for a mail to " + address, e);
            }
        }
    }

    /** Forgets every mail received, and where {@link #awaitMessageTo} was. */
    public synchronized void purge() {
        try {
            greenMail.purgeEmailFromAllMailboxes();
        } catch (FolderException e) {
            throw new IllegalStateException("cannot purge the fake mailbox", e);
        }
        handedOut.clear();
        unauthenticated.set(0);
    }

    /**
     * How many mails a {@link #startRequiringLogin} mailbox dropped because the sender had not logged in.
     *
     * @return the count; always 0 for a mailbox that needs no log-in
     */
    public int unauthenticatedMessages() {
        return unauthenticated.get();
    }

    /** Stops the server. Idempotent. */
    @Override
    public void close() {
        if (greenMail.isRunning()) {
            greenMail.stop();
        }
    }

    private String nothingArrived(String address, Duration timeout, int alreadyHandedOut) {
        StringBuilder sb = new StringBuilder("no mail to ").append(address).append(" arrived within ").append(timeout);
        if (alreadyHandedOut > 0) {
            sb.append(" (beyond the ").append(alreadyHandedOut).append(" already returned by awaitMessageTo)");
        }
        List<String> others = new ArrayList<>();
        try {
            for (GreenMailUser user : greenMail.getUserManager().listUser()) {
                if (!user.getEmail().equals(QUARANTINE)) {
                    greenMail.findReceivedMessages(u -> u == user, m -> true)
                            .forEach(m -> others.add("to " + user.getEmail() + ": \"" + ReceivedMail.of(m).subject() + "\""));
                }
            }
        } catch (ConcurrentModificationException e) {
            others.add("(more arrived while listing)");
        }
        int dropped = unauthenticated.get();
        if (loginRequired && dropped > 0) {
            sb.append("; ").append(dropped).append(" mail(s) came from a sender that did not log in and were dropped");
        }
        sb.append("; the mailbox holds ").append(others.isEmpty() ? "nothing" : others);
        return sb.toString();
    }
}
