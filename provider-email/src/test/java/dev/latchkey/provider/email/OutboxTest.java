package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Secret;
import dev.latchkey.testkit.mail.FailingSmtpServer;
import dev.latchkey.testkit.mail.FakeMailbox;
import dev.latchkey.testkit.mail.ReceivedMail;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** The outbox with the real SMTP sender, against the fake mailbox and servers that are down or refuse. */
@ResourceLock(LogCapture.RESOURCE_LOCK)
@ResourceLock(Resources.SYSTEM_OUT)
@ResourceLock(Resources.SYSTEM_ERR)
class OutboxTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String TOKEN = "c2VjcmV0LXRva2VuLXZhbHVlLTAxMjM0NTY3ODk";
    private static final String LINK = "https://app.example.com/confirm?token=" + TOKEN + "&tokenId=0123456789abcdef";
    private static final MailMessage MAIL = new MailMessage("ann@example.com", "Confirm your address", "Open " + LINK + " now.\n");
    private static final List<Secret> SECRETS = List.of(new Secret("the token", TOKEN), new Secret("the link", LINK));

    private final ExecutorService mailThreads = Executors.newSingleThreadExecutor(daemon("test-mail"));
    private final ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor(daemon("test-mail-retry"));
    /** Makes threads without limit, as the engine's pool does: only the outbox's own limit holds the sends back. */
    private final ExecutorService unboundedThreads = Executors.newCachedThreadPool(daemon("test-mail-unbounded"));
    private final List<MailFailure> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopThreads() {
        mailThreads.shutdownNow();
        retryTimer.shutdownNow();
        unboundedThreads.shutdownNow();
    }

    private Outbox outbox(MailSender sender, int maxAttempts) {
        return new Outbox(sender, mailThreads, retryTimer, maxAttempts, Duration.ofMillis(20), failures::add);
    }

    private static SmtpMailSender smtp(int port) {
        return new SmtpMailSender(new SmtpSettings("127.0.0.1", port, "none", null, null, "no-reply@example.com",
                Duration.ofSeconds(1), null, null));
    }

    @Test
    void submitReturnsAtOnceAndTheMailIsSentOnAMailThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> sendingThread = new AtomicReference<>();
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            SmtpMailSender smtp = smtp(mailbox.port());
            MailSender held = message -> {
                sendingThread.set(Thread.currentThread().getName());
                await(release);
                smtp.send(message);
            };

            CompletableFuture<Void> sent = outbox(held, 3).submit(MAIL, MailKind.CONFIRMATION);

            assertThat(sent).isNotDone();
            release.countDown();
            sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(sendingThread.get()).startsWith("test-mail").isNotEqualTo(Thread.currentThread().getName());
            assertThat(mailbox.awaitMessageTo("ann@example.com", WAIT).body()).contains(LINK);
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void aFailedAttemptIsRetriedAndTheMailDelivered() throws Exception {
        int port = FakeMailbox.unusedPort();
        SmtpMailSender smtp = smtp(port);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<FakeMailbox> mailbox = new AtomicReference<>();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        MailSender serverComesUpAfterTheFirstAttempt = message -> {
            if (attempts.incrementAndGet() == 1) {
                try {
                    smtp.send(message);     // nothing listens yet: connection refused
                } catch (MailDeliveryException e) {
                    firstFailure.set(e.getMessage());
                    mailbox.set(FakeMailbox.startOn(port));
                    throw e;
                }
            }
            smtp.send(message);
        };
        try {
            outbox(serverComesUpAfterTheFirstAttempt, 3).submit(MAIL, MailKind.CONFIRMATION).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(firstFailure.get()).startsWith("connection refused");
            assertThat(attempts).hasValue(2);
            assertThat(mailbox.get().awaitMessageTo("ann@example.com", WAIT).subject()).isEqualTo("Confirm your address");
            assertThat(failures).isEmpty();
        } finally {
            if (mailbox.get() != null) {
                mailbox.get().close();
            }
        }
    }

    @Test
    void whenEveryAttemptFailsTheFutureFailsTheListenerHearsOnceAndOneWarningIsLoggedWithoutTheLink() {
        AtomicInteger attempts = new AtomicInteger();
        SmtpMailSender down = smtp(FakeMailbox.unusedPort());
        MailSender counting = message -> {
            attempts.incrementAndGet();
            down.send(message);
        };
        CompletableFuture<Void> sent;
        List<LogCapture.Entry> logged;
        try (LogCapture capture = LogCapture.start()) {
            sent = outbox(counting, 3).submit(MAIL, MailKind.RESET);
            assertThatThrownBy(() -> sent.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(MailDeliveryException.class)
                    .hasMessageContaining("RESET mail to ann@example.com not delivered after 3 attempt(s): connection refused");
            logged = capture.entries();
        }

        assertThat(attempts).hasValue(3);
        assertThat(failures).containsExactly(new MailFailure("ann@example.com", MailKind.RESET, 3,
                "connection refused (MailConnectException <- ConnectException)"));
        List<LogCapture.Entry> outboxLines = logged.stream().filter(e -> e.origin().startsWith(Outbox.class.getName())).toList();
        assertThat(outboxLines).singleElement().satisfies(e -> {
            assertThat(e.origin()).endsWith("WARNING");
            assertThat(e.text()).contains("RESET mail to a recipient at example.com not delivered after 3 attempt(s): connection refused")
                    .doesNotContain("ann@example.com", "Open ");
        });
        assertThat(SecretScan.find(logged, SECRETS)).isEmpty();
    }

    @Test
    void aDeliveredMailLeavesItsLinkInNoLogEvenWithEveryLoggerOpen() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            List<LogCapture.Entry> logged;
            // GreenMail's own log is the fake server's, not the code's: it records what it received.
            try (LogCapture capture = LogCapture.startIgnoring(List.of("com.icegreen"))) {
                outbox(smtp(mailbox.port()), 3).submit(MAIL, MailKind.CONFIRMATION).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                logged = capture.entries();
            }

            assertThat(mailbox.awaitMessageTo("ann@example.com", WAIT).body()).contains(LINK);
            // The capture opens the root logger to ALL; Angus's FINEST wire trace would hold the body, but
            // SmtpMailSender keeps that logger at INFO unless an operator configured it.
            assertThat(logged).isNotEmpty();
            assertThat(SecretScan.find(logged, SECRETS)).isEmpty();
            assertThat(java.util.logging.Logger.getLogger(SmtpMailSender.PROTOCOL_TRACE).getLevel())
                    .isEqualTo(java.util.logging.Level.INFO);
        }
    }

    @Test
    void aPermanentRefusalIsNotRetried() {
        try (FailingSmtpServer server = FailingSmtpServer.refusing()) {
            CompletableFuture<Void> sent = outbox(smtp(server.port()), 3).submit(MAIL, MailKind.CONFIRMATION);

            assertThatThrownBy(() -> sent.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(MailDeliveryException.class);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.attempts()).isEqualTo(1);
                assertThat(f.reason()).isEqualTo("the server refused the connection (MessagingException, SMTP reply 554)");
            });
        }
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheOutbox() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        MailSender alwaysFails = message -> {
            throw new MailDeliveryException("connection refused (test)", null, false);
        };
        Outbox outbox = new Outbox(alwaysFails, mailThreads, retryTimer, 1, Duration.ofMillis(20), failure -> {
            heard.incrementAndGet();
            throw new IllegalStateException("listener bug");
        });
        try (LogCapture ignored = LogCapture.start()) {
            for (int i = 0; i < 2; i++) {
                CompletableFuture<Void> sent = outbox.submit(MAIL, MailKind.CONFIRMATION);
                assertThatThrownBy(() -> sent.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(MailDeliveryException.class);
            }
        }

        assertThat(heard).hasValue(2);
    }

    @Test
    void afterCloseAMailFailsInsteadOfThrowingAtTheCaller() {
        Outbox outbox = outbox(message -> { }, 3);
        outbox.close();

        CompletableFuture<Void> sent;
        try (LogCapture ignored = LogCapture.start()) {
            sent = outbox.submit(MAIL, MailKind.PASSWORD_CHANGED);
        }

        assertThat(sent).isCompletedExceptionally();
        assertThatThrownBy(sent::join).hasMessageContaining("the outbox is closed");
        assertThat(failures).containsExactly(new MailFailure("ann@example.com", MailKind.PASSWORD_CHANGED, 0, "the outbox is closed"));
    }

    @Test
    void aRetryDueAfterCloseFails() throws Exception {
        CountDownLatch firstAttempt = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        Outbox outbox = new Outbox(message -> {
            attempts.incrementAndGet();
            firstAttempt.countDown();
            throw new MailDeliveryException("timed out (test)", null, false);
        }, mailThreads, retryTimer, 3, Duration.ofMillis(200), failures::add);
        try (LogCapture ignored = LogCapture.start()) {
            CompletableFuture<Void> sent = outbox.submit(MAIL, MailKind.RESET);
            await(firstAttempt);
            outbox.close();

            assertThatThrownBy(() -> sent.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasMessageContaining("closed before a retry");
        }
        assertThat(attempts).hasValue(1);
        assertThat(failures).singleElement().extracting(MailFailure::attempts).isEqualTo(1);
    }

    @Test
    void aRejectingExecutorFailsTheMailInsteadOfThrowingAtTheCaller() {
        Outbox outbox = new Outbox(message -> { }, command -> {
            throw new RejectedExecutionException("full");
        }, retryTimer, 3, Duration.ofMillis(20), failures::add);

        CompletableFuture<Void> sent;
        try (LogCapture ignored = LogCapture.start()) {
            sent = outbox.submit(MAIL, MailKind.CONFIRMATION);
        }

        assertThatThrownBy(sent::join).hasMessageContaining("executor refused");
        assertThat(failures).singleElement().extracting(MailFailure::attempts).isEqualTo(0);
    }

    @Test
    void whileTheServerStallsNoMoreThanMaxConcurrentSendsConnectionsAreOpen() throws Exception {
        try (FailingSmtpServer server = FailingSmtpServer.stalling(); LogCapture ignored = LogCapture.start()) {
            // A long timeout: only closing the server ends the stalled sends, so none ends while we look.
            SmtpMailSender stalled = new SmtpMailSender(new SmtpSettings(server.host(), server.port(), "none", null, null,
                    "no-reply@example.com", Duration.ofSeconds(30), null, null));
            SendMeter meter = new SendMeter(stalled);
            CountingExecutor executor = new CountingExecutor(unboundedThreads);
            Outbox outbox = new Outbox(meter, executor, retryTimer, 1, Duration.ofMillis(20), failures::add, 2, 100);

            List<CompletableFuture<Void>> sent = IntStream.rangeClosed(1, 10)
                    .mapToObj(i -> outbox.submit(numbered(i), MailKind.CONFIRMATION)).toList();

            assertThat(executor.tasks()).isEqualTo(2);
            awaitUntil(() -> server.connections() == 2);
            assertThat(meter.inFlight()).isEqualTo(2);
            assertThat(sent).noneMatch(CompletableFuture::isDone);

            server.close();     // the stalled sends fail, and every later one finds nobody listening
            awaitAll(sent);
            assertThat(meter.mostAtOnce()).isEqualTo(2);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(executor.tasks()).isEqualTo(2);
            assertThat(failures).hasSize(10).allSatisfy(f -> assertThat(f.attempts()).isEqualTo(1));
        }
    }

    @Test
    void aMailBeyondMaxPendingIsGivenUpOnAtOnceAndReported() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MailSender held = message -> await(release);
        Outbox outbox = new Outbox(held, unboundedThreads, retryTimer, 3, Duration.ofMillis(20), failures::add, 1, 2);
        List<LogCapture.Entry> logged;
        try (LogCapture capture = LogCapture.start()) {
            CompletableFuture<Void> beingSent = outbox.submit(numbered(1), MailKind.CONFIRMATION);
            CompletableFuture<Void> queued = outbox.submit(numbered(2), MailKind.CONFIRMATION);

            CompletableFuture<Void> refused = outbox.submit(MAIL, MailKind.RESET);

            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::join).hasMessageContaining(
                    "RESET mail to ann@example.com not delivered after 0 attempt(s): the outbox is full (2 mails pending)");
            assertThat(failures).containsExactly(new MailFailure("ann@example.com", MailKind.RESET, 0, "the outbox is full (2 mails pending)"));
            logged = capture.entries();

            release.countDown();
            beingSent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            queued.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            outbox.submit(MAIL, MailKind.RESET).get(WAIT.toSeconds(), TimeUnit.SECONDS);   // there is room again
        }
        List<LogCapture.Entry> outboxLines = logged.stream().filter(e -> e.origin().startsWith(Outbox.class.getName())).toList();
        assertThat(outboxLines).singleElement().satisfies(e -> {
            assertThat(e.origin()).endsWith("WARNING");
            assertThat(e.text()).contains("RESET mail to a recipient at example.com not delivered after 0 attempt(s): the outbox is full")
                    .doesNotContain("ann@example.com", "Open ");
        });
        assertThat(SecretScan.find(logged, SECRETS)).isEmpty();
        assertThat(failures).hasSize(1);
    }

    @Test
    void aMailWaitingForARetryTakesAPendingPlace() throws Exception {
        CountDownLatch retryTimerHeld = holdRetryTimer();
        CountDownLatch firstAttemptFailed = new CountDownLatch(1);
        MailSender failsOnce = message -> {
            if (firstAttemptFailed.getCount() > 0) {
                firstAttemptFailed.countDown();
                throw new MailDeliveryException("timed out (test)", null, false);
            }
        };
        Outbox outbox = new Outbox(failsOnce, mailThreads, retryTimer, 3, Duration.ZERO, failures::add, 1, 1);
        try (LogCapture ignored = LogCapture.start()) {
            CompletableFuture<Void> retried = outbox.submit(numbered(1), MailKind.CONFIRMATION);
            await(firstAttemptFailed);

            CompletableFuture<Void> refused = outbox.submit(numbered(2), MailKind.CONFIRMATION);

            assertThat(refused).isCompletedExceptionally();
            assertThat(failures).singleElement().extracting(MailFailure::reason).isEqualTo("the outbox is full (1 mails pending)");
            retryTimerHeld.countDown();
            retried.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            outbox.submit(numbered(3), MailKind.CONFIRMATION).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aMailWaitingForARetryHoldsNoMailThread() throws Exception {
        // One mail thread, and a retry timer held until the second mail is delivered: had the first mail
        // kept its thread while it waits, the second could never be sent.
        CountDownLatch retryTimerHeld = holdRetryTimer();
        AtomicInteger firstMailAttempts = new AtomicInteger();
        List<String> delivered = new CopyOnWriteArrayList<>();
        MailSender firstFailsOnce = message -> {
            if (message.to().equals("one@example.com") && firstMailAttempts.incrementAndGet() == 1) {
                throw new MailDeliveryException("timed out (test)", null, false);
            }
            delivered.add(message.to());
        };
        Outbox outbox = new Outbox(firstFailsOnce, mailThreads, retryTimer, 3, Duration.ZERO, failures::add);

        CompletableFuture<Void> first = outbox.submit(new MailMessage("one@example.com", "Mail 1", "Hello.\n"), MailKind.CONFIRMATION);
        CompletableFuture<Void> second = outbox.submit(new MailMessage("two@example.com", "Mail 2", "Hello.\n"), MailKind.CONFIRMATION);

        second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).isNotDone();
        retryTimerHeld.countDown();
        first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(delivered).containsExactly("two@example.com", "one@example.com");
        assertThat(firstMailAttempts).hasValue(2);
        assertThat(failures).isEmpty();
    }

    @Test
    void mailsQueuedWhileTheServerStallsAreAllDeliveredOnceItIsFine() throws Exception {
        try (FakeMailbox mailbox = FakeMailbox.start()) {
            CountDownLatch serverFine = new CountDownLatch(1);
            SmtpMailSender smtp = smtp(mailbox.port());
            SendMeter meter = new SendMeter(message -> {
                await(serverFine);
                smtp.send(message);
            });
            CountingExecutor executor = new CountingExecutor(unboundedThreads);
            Outbox outbox = new Outbox(meter, executor, retryTimer, 3, Duration.ofMillis(20), failures::add, 2, 100);

            List<CompletableFuture<Void>> sent = IntStream.rangeClosed(1, 20)
                    .mapToObj(i -> outbox.submit(numbered(i), MailKind.CONFIRMATION)).toList();
            assertThat(executor.tasks()).isEqualTo(2);
            serverFine.countDown();

            awaitAll(sent);
            assertThat(sent).allMatch(f -> !f.isCompletedExceptionally());
            awaitUntil(() -> mailbox.messagesTo("ann@example.com").size() == 20);
            assertThat(mailbox.messagesTo("ann@example.com")).extracting(ReceivedMail::subject)
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).mapToObj(i -> "Mail " + i).toList());
            assertThat(meter.mostAtOnce()).isEqualTo(2);
            assertThat(executor.tasks()).isEqualTo(2);
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void oneSendAtATimeSendsInSubmissionOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        MailSender held = message -> {
            await(release);
            order.add(message.subject());
        };
        Outbox outbox = new Outbox(held, unboundedThreads, retryTimer, 3, Duration.ofMillis(20), failures::add, 1, 100);

        List<CompletableFuture<Void>> sent = IntStream.rangeClosed(1, 10)
                .mapToObj(i -> outbox.submit(numbered(i), MailKind.CONFIRMATION)).toList();
        release.countDown();
        awaitAll(sent);

        assertThat(order).containsExactlyElementsOf(IntStream.rangeClosed(1, 10).mapToObj(i -> "Mail " + i).toList());
    }

    @Test
    void theLimitsMustAllowAtLeastOneMail() {
        assertThatThrownBy(() -> new Outbox(message -> { }, mailThreads, retryTimer, 3, Duration.ZERO, failures::add, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConcurrentSends");
        assertThatThrownBy(() -> new Outbox(message -> { }, mailThreads, retryTimer, 3, Duration.ZERO, failures::add, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPending");
    }

    private static MailMessage numbered(int i) {
        return new MailMessage("ann@example.com", "Mail " + i, "Open " + LINK + " now.\n");
    }

    /** Keeps the one retry-timer thread busy until the latch is released: no retry is due before then. */
    private CountDownLatch holdRetryTimer() {
        CountDownLatch held = new CountDownLatch(1);
        retryTimer.execute(() -> await(held));
        return held;
    }

    private static void awaitAll(List<CompletableFuture<Void>> futures) throws Exception {
        CompletableFuture.allOf(futures.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the condition did not come true within " + WAIT);
            }
            Thread.sleep(10);
        }
    }

    /** A sender that counts the sends in progress, and the most there ever were at once. */
    private static final class SendMeter implements MailSender {
        private final MailSender delegate;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger mostAtOnce = new AtomicInteger();

        SendMeter(MailSender delegate) {
            this.delegate = delegate;
        }

        @Override
        public void send(MailMessage message) throws MailDeliveryException {
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                delegate.send(message);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        int inFlight() {
            return inFlight.get();
        }

        int mostAtOnce() {
            return mostAtOnce.get();
        }
    }

    /** An executor that counts the tasks it was given. */
    private static final class CountingExecutor implements Executor {
        private final Executor delegate;
        private final AtomicInteger tasks = new AtomicInteger();

        CountingExecutor(Executor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable task) {
            tasks.incrementAndGet();
            delegate.execute(task);
        }

        int tasks() {
            return tasks.get();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the latch was not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
