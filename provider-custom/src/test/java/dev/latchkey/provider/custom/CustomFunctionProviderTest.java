package dev.latchkey.provider.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.TestClock;
import dev.latchkey.testkit.fake.BackendRequest;
import dev.latchkey.testkit.fake.Failure;
import dev.latchkey.testkit.fake.FakeFunctionEndpoint;
import dev.latchkey.testkit.fake.JsonReply;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** Issue 6: the {@code custom-function} provider, in process and as a webhook. */
class CustomFunctionProviderTest {
    private static final String SECRET = "s3cr3t-webhook-key-0123456789abcdef-XYZ";
    private static final Credentials CALEB = Credentials.function(Map.of("username", "caleb", "pin", PinDirectory.CALEB_PIN));

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final TestClock clock = new TestClock();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    private CustomFunctionProvider inProcess(AuthFunction function, Map<String, ?> settings) {
        CustomFunctionProvider provider = new CustomFunctionProvider();
        start(EngineHarness.builder().provider(provider).enable("custom-function", settings)
                .service(AuthFunction.class, function));
        return provider;
    }

    private CustomFunctionProvider inProcess(AuthFunction function) {
        return inProcess(function, Map.of());
    }

    private FakeFunctionEndpoint webhook() {
        FakeFunctionEndpoint fake = new FakeFunctionEndpoint(clock, SECRET);
        cleanup.add(fake);
        return fake;
    }

    private CustomFunctionProvider webhookProvider(FakeFunctionEndpoint fake, String timeout) {
        CustomFunctionProvider provider = new CustomFunctionProvider();
        start(EngineHarness.builder().clock(clock).provider(provider).enable("custom-function",
                Map.of("webhookUrl", fake.url(), "webhookSecret", fake.secret(), "timeout", timeout)));
        return provider;
    }

    private EngineHarness start(EngineHarness.Builder builder) {
        EngineHarness harness = builder.build();
        cleanup.add(0, harness);
        harness.start();
        return harness;
    }

    private AuthException startFails(EngineHarness.Builder builder) {
        EngineHarness harness = builder.build();
        cleanup.add(harness);
        return catchThrowableOfType(AuthException.class, harness::start);
    }

    private static AuthException refusal(CustomFunctionProvider provider, Credentials credentials) {
        AuthException e = catchThrowableOfType(AuthException.class, () -> provider.authenticate(credentials));
        assertThat(e).as("authenticate must fail with an AuthException").isNotNull();
        return e;
    }

    /** A named frame, so a test can look for it in a stack trace. */
    private static FunctionIdentity refuseDeepInsideTheFunction(String message) {
        throw new IllegalStateException(message, new IOException("the cause, which must not travel"));
    }

    // ------------------------------------------------------------------------------------------
    // In process
    // ------------------------------------------------------------------------------------------

    @Test
    void aFunctionReturningAnIdProvesThatIdentityWithAnEmptyProfile() {
        CustomFunctionProvider provider = inProcess(payload -> FunctionIdentity.of("ext-42"));

        Identity identity = provider.authenticate(CALEB);

        assertThat(identity.providerType()).isEqualTo("custom-function");
        assertThat(identity.subject()).isEqualTo("ext-42");
        assertThat(identity.profile().name()).isNull();
    }

    @Test
    void aFunctionReturningIdAndNameFillsTheProfileName() {
        CustomFunctionProvider provider = inProcess(PinDirectory.function());

        Identity identity = provider.authenticate(CALEB);

        assertThat(identity.subject()).isEqualTo("user-caleb");
        assertThat(identity.profile().name()).isEqualTo("Caleb Smith");
    }

    @Test
    void theFunctionReceivesThePayloadAsSent() {
        Map<String, Object> seen = new HashMap<>();
        CustomFunctionProvider provider = inProcess(payload -> {
            seen.putAll(payload);
            return FunctionIdentity.of("x");
        });

        provider.authenticate(Credentials.function(Map.of("username", "caleb", "IQ", 42, "hasPets", true)));

        assertThat(seen).containsExactlyInAnyOrderEntriesOf(Map.of("username", "caleb", "IQ", 42, "hasPets", true));
    }

    @Test
    void aNewIdMakesANewUserAndAKnownIdTheSameUser() {
        CustomFunctionProvider provider = new CustomFunctionProvider();
        EngineHarness engine = start(EngineHarness.builder().provider(provider).enable("custom-function", Map.of())
                .service(AuthFunction.class, payload -> FunctionIdentity.of((String) payload.get("account"))));

        String first = engine.service().logIn(Credentials.function(Map.of("account", "a-1"))).user().id();
        String again = engine.service().logIn(Credentials.function(Map.of("account", "a-1"))).user().id();
        String other = engine.service().logIn(Credentials.function(Map.of("account", "a-2"))).user().id();

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void security17_aFunctionThatThrowsIsRejectedWithItsMessageButNoStackTraceOrCause() {
        CustomFunctionProvider provider = inProcess(payload -> refuseDeepInsideTheFunction("account locked by the admin"));

        AuthException e = refusal(provider, CALEB);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("account locked by the admin").doesNotContain("IllegalStateException")
                .doesNotContain("\n");
        assertThat(e.getCause()).isNull();
        assertThat(e.getSuppressed()).isEmpty();
        assertThat(Arrays.stream(e.getStackTrace()).map(StackTraceElement::getMethodName))
                .doesNotContain("refuseDeepInsideTheFunction");
    }

    @Test
    void security17_aFunctionThatThrowsWithoutAMessageIsNamedByItsExceptionClass() {
        CustomFunctionProvider provider = inProcess(payload -> {
            throw new UnsupportedOperationException();
        });

        assertThat(refusal(provider, CALEB).getMessage()).contains("UnsupportedOperationException");
    }

    @Test
    void security17_aCheckedExceptionIsRejectedLikeAnyOther() {
        CustomFunctionProvider provider = inProcess(payload -> {
            throw new IOException("directory unavailable");
        });

        AuthException e = refusal(provider, CALEB);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("directory unavailable");
    }

    @Test
    void security17_aLongMultiLineMessageBecomesOneLineOfAtMost200Characters() {
        String message = "first line\nsecond\r\nthird\u0000" + "z".repeat(1_000);
        CustomFunctionProvider provider = inProcess(payload -> {
            throw new IllegalArgumentException(message);
        });

        AuthException e = refusal(provider, CALEB);

        assertThat(e.getMessage()).doesNotContain("\n", "\r", "\u0000").contains("first line second third");
        String fromFunction = e.getMessage().substring(e.getMessage().indexOf("first line"));
        assertThat(fromFunction.length()).isLessThanOrEqualTo(Refusals.MAX_MESSAGE + 3);
    }

    @Test
    void security17_aFunctionReturningNullIsRejected() {
        CustomFunctionProvider provider = inProcess(payload -> null);

        AuthException e = refusal(provider, CALEB);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("no result");
    }

    @Test
    void security17_aBlankOrNullIdIsRejected() {
        for (String id : Arrays.asList("", "   ", "\t", null)) {
            CustomFunctionProvider provider = inProcess(payload -> FunctionIdentity.of(id));

            AuthException e = refusal(provider, CALEB);

            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(e.getMessage()).contains("blank id");
        }
    }

    @Test
    void anIdOver255CharactersOrWithControlCharactersIsRejected() {
        for (String id : List.of("x".repeat(256), "line\nbreak", "nul\u0000", "tab\there", "\uD800lone")) {
            CustomFunctionProvider provider = inProcess(payload -> FunctionIdentity.of(id));

            assertThat(refusal(provider, CALEB).code()).as("id %s", id.length()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(inProcess(payload -> FunctionIdentity.of("y".repeat(255))).authenticate(CALEB).subject()).hasSize(255);
    }

    @Test
    void aNameWithControlCharactersIsRejected() {
        CustomFunctionProvider provider = inProcess(payload -> FunctionIdentity.of("id-1", "Eve\r\nAdmin: yes"));

        assertThat(refusal(provider, CALEB).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void security17_aFunctionThatHangsIsGivenUpAfterTheTimeoutAndInterrupted() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CustomFunctionProvider provider = inProcess(payload -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return FunctionIdentity.of("too-late");
        }, Map.of("timeout", "PT0.2S"));

        AuthException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> refusal(provider, CALEB));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("did not finish within PT0.2S");
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the function's thread is interrupted").isTrue();
    }

    @Test
    void aPayloadOverMaxPayloadBytesIsMalformedAndTheFunctionNeverRuns() {
        AtomicInteger calls = new AtomicInteger();
        CustomFunctionProvider provider = inProcess(payload -> {
            calls.incrementAndGet();
            return FunctionIdentity.of("x");
        }, Map.of("maxPayloadBytes", 100));

        AuthException e = refusal(provider, Credentials.function(Map.of("blob", "b".repeat(100))));
        provider.authenticate(Credentials.function(Map.of("blob", "b".repeat(80))));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(e.getMessage()).contains("maxPayloadBytes").doesNotContain("bbbb");
        assertThat(calls).hasValue(1);
    }

    @Test
    void credentialsOfAnotherTypeAreMalformed() {
        CustomFunctionProvider provider = inProcess(PinDirectory.function());

        assertThat(refusal(provider, Credentials.jwt("a.b.c")).code()).isEqualTo(ErrorCode.MALFORMED);
    }

    // ------------------------------------------------------------------------------------------
    // Where the function comes from
    // ------------------------------------------------------------------------------------------

    @Test
    void withoutARegisteredFunctionTheOneServiceLoaderFindsRuns() {
        CustomFunctionProvider provider = new CustomFunctionProvider();
        start(EngineHarness.builder().provider(provider).enable("custom-function", Map.of()));

        assertThat(provider.authenticate(CALEB).subject()).isEqualTo("classpath-caleb");
    }

    @Test
    void aRegisteredFunctionIsPreferredToOneOnTheClassPath() {
        assertThat(inProcess(PinDirectory.function()).authenticate(CALEB).subject()).isEqualTo("user-caleb");
    }

    @Test
    void twoFunctionsOnTheClassPathFailStartNamingBoth(@TempDir Path dir) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(AuthFunction.class.getName()), SecondAuthFunction.class.getName() + "\n",
                StandardCharsets.UTF_8);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            AuthException e = startFails(EngineHarness.builder().provider(new CustomFunctionProvider(loader))
                    .enable("custom-function", Map.of()));

            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains("providers.custom-function", ClassPathAuthFunction.class.getName(),
                    SecondAuthFunction.class.getName());
        }
    }

    @Test
    void noFunctionAnywhereFailsStartSayingWhatToAdd() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            AuthException e = startFails(EngineHarness.builder().provider(new CustomFunctionProvider(empty))
                    .enable("custom-function", Map.of()));

            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains("AuthFunction", "webhookUrl");
        }
    }

    @Test
    void aRegisteredFunctionAndAWebhookTogetherFailStart() {
        FakeFunctionEndpoint fake = webhook();
        AuthException e = startFails(EngineHarness.builder().provider(new CustomFunctionProvider())
                .enable("custom-function", Map.of("webhookUrl", fake.url(), "webhookSecret", SECRET))
                .service(AuthFunction.class, PinDirectory.function()));

        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(e.getMessage()).contains("choose one").doesNotContain(SECRET);
    }

    // ------------------------------------------------------------------------------------------
    // Settings
    // ------------------------------------------------------------------------------------------

    @Test
    void badSettingsFailStartNamingTheSettingButNeverTheSecret() {
        List<Map<String, Object>> bad = List.of(
                Map.of("webhookUrl", "http://auth.example.com/fn", "webhookSecret", SECRET),
                Map.of("webhookUrl", "not a url", "webhookSecret", SECRET),
                Map.of("webhookUrl", "https://user:pw@auth.example.com/fn", "webhookSecret", SECRET),
                Map.of("webhookUrl", "https://auth.example.com/fn"),
                Map.of("webhookUrl", "https://auth.example.com/fn", "webhookSecret", "short-secret-1234"),
                Map.of("webhookUrl", "https://auth.example.com/fn", "webhookSecret", SECRET.repeat(20)),
                Map.of("webhookSecret", SECRET),
                Map.of("timeout", "PT61S"),
                Map.of("timeout", "PT0S"),
                Map.of("maxPayloadBytes", 1_048_577),
                Map.of("maxPayloadBytes", 0));
        for (Map<String, Object> settings : bad) {
            AuthException e = startFails(EngineHarness.builder().provider(new CustomFunctionProvider())
                    .enable("custom-function", settings).service(AuthFunction.class, PinDirectory.function()));

            assertThat(e).as("settings with %s", settings.keySet()).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains("providers.custom-function").doesNotContain(SECRET.substring(0, 20));
        }
    }

    @Test
    void defaultsAreTenSecondsAnd16KiB() {
        CustomFunctionSettings settings = new CustomFunctionSettings(null, null, null, null);

        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.maxPayloadBytes()).isEqualTo(16_384);
    }

    @Test
    void settingsToStringHidesTheSecret() {
        CustomFunctionSettings settings = new CustomFunctionSettings("https://auth.example.com/fn", SECRET, null, null);

        assertThat(settings.toString()).contains("auth.example.com").doesNotContain(SECRET);
    }

    @Test
    void plainHttpIsAcceptedForThisMachineOnly() {
        assertThat(new CustomFunctionSettings("http://localhost:8080/fn", SECRET, null, null).webhookUrl()).startsWith("http://localhost");
        assertThat(new CustomFunctionSettings("http://127.0.0.1:8080/fn", SECRET, null, null).webhookUrl()).startsWith("http://127");
    }

    // ------------------------------------------------------------------------------------------
    // Webhook
    // ------------------------------------------------------------------------------------------

    @Test
    void theWebhookGetsASignedTimestampedJsonPostThatTheFakeVerifies() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb");
        CustomFunctionProvider provider = webhookProvider(fake, "PT5S");

        Identity identity = provider.authenticate(CALEB);

        assertThat(identity.subject()).isEqualTo("user-caleb");
        assertThat(fake.verifiedRequests()).isEqualTo(1);
        assertThat(fake.refusedRequests()).isZero();
        BackendRequest request = fake.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(request.header("X-Latchkey-Timestamp")).hasValue(Long.toString(clock.instant().getEpochSecond()));
        String timestamp = request.header("X-Latchkey-Timestamp").orElseThrow();
        assertThat(request.header("X-Latchkey-Signature")).hasValue("sha256="
                + FakeFunctionEndpoint.sign(SECRET, timestamp, request.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(request.jsonBody().orElseThrow().get("username").getAsString()).isEqualTo("caleb");
        assertThat(fake.problemWith(request)).isNull();
    }

    @Test
    void theWebhooksNameFillsTheProfile() {
        FakeFunctionEndpoint fake = webhook().answerWith(PinDirectory::webhookAnswer);

        Identity identity = webhookProvider(fake, "PT5S").authenticate(CALEB);

        assertThat(identity.subject()).isEqualTo("user-caleb");
        assertThat(identity.profile().name()).isEqualTo("Caleb Smith");
    }

    @Test
    void aRequestReplayedAfterTheToleranceIsRefusedByTheReceiver() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb");
        webhookProvider(fake, "PT5S").authenticate(CALEB);
        BackendRequest recorded = fake.requests().get(0);

        clock.advance(FakeFunctionEndpoint.TOLERANCE.plusSeconds(1));

        assertThat(fake.problemWith(recorded)).isEqualTo("stale timestamp");
    }

    @Test
    void aSignatureTheWebhookRefusesIsInvalidCredentialsWithItsMessage() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb").rejectSignatures(true);

        AuthException e = refusal(webhookProvider(fake, "PT5S"), CALEB);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("invalid signature");
        assertThat(fake.refusedRequests()).isEqualTo(1);
    }

    @Test
    void aWebhookWithAnotherSecretRefusesTheSignature() {
        FakeFunctionEndpoint other = new FakeFunctionEndpoint(clock, "another-secret-0123456789abcdef-0123456789").answerId("x");
        cleanup.add(other);
        CustomFunctionProvider provider = new CustomFunctionProvider();
        start(EngineHarness.builder().clock(clock).provider(provider).enable("custom-function",
                Map.of("webhookUrl", other.url(), "webhookSecret", SECRET)));

        assertThat(refusal(provider, CALEB).getMessage()).contains("invalid signature");
    }

    @Test
    void aNon2xxAnswerIsInvalidCredentialsWithTheWebhooksError() {
        FakeFunctionEndpoint fake = webhook().answerWith(PinDirectory::webhookAnswer);

        AuthException e = refusal(webhookProvider(fake, "PT5S"),
                Credentials.function(Map.of("username", "caleb", "pin", "pin-of-mallory-0000")));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains(PinDirectory.WRONG);
    }

    @Test
    void aNon2xxAnswerWithoutAnErrorNamesTheStatus() {
        FakeFunctionEndpoint fake = webhook().answerWith(payload -> JsonReply.status(503, Map.of("retry", true)));

        AuthException e = refusal(webhookProvider(fake, "PT5S"), CALEB);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("HTTP 503");
    }

    @Test
    void aServerErrorOrRateLimitIsInvalidCredentialsAsTheIssueSays() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb");
        CustomFunctionProvider provider = webhookProvider(fake, "PT5S");
        for (Failure failure : List.of(Failure.SERVER_ERROR, Failure.TOO_MANY_REQUESTS)) {
            fake.failWith(failure);

            assertThat(refusal(provider, CALEB).code()).as("%s", failure).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @Test
    void aGarbageAnswerIsInvalidCredentials() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb");
        CustomFunctionProvider provider = webhookProvider(fake, "PT5S");
        fake.failWith(Failure.GARBAGE);

        AuthException e = refusal(provider, CALEB);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("not a JSON object").doesNotContain("<html");
    }

    @Test
    void anOversizedAnswerIsInvalidCredentials() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb");
        CustomFunctionProvider provider = webhookProvider(fake, "PT5S");
        fake.failWith(Failure.OVERSIZED);

        AuthException e = refusal(provider, CALEB);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("larger than " + WebhookFunction.MAX_ANSWER_BYTES);
    }

    @Test
    void anAnswerWithoutAUsableIdIsInvalidCredentials() {
        List<JsonReply> answers = List.of(JsonReply.ok(Map.of("name", "No Id")), JsonReply.ok(Map.of("id", " ")),
                JsonReply.ok(Map.of("id", 42)), JsonReply.ok(List.of("id")), JsonReply.ok(Map.of("id", "x", "name", 7)));
        for (JsonReply answer : answers) {
            FakeFunctionEndpoint fake = webhook().answerWith(payload -> answer);

            assertThat(refusal(webhookProvider(fake, "PT5S"), CALEB).code()).as("%s", answer.body())
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @Test
    void security17_aWebhookThatStallsBeyondTheTimeoutIsInvalidCredentials() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb");
        CustomFunctionProvider provider = webhookProvider(fake, "PT0.5S");
        fake.failWith(Failure.STALL);

        AuthException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> refusal(provider, CALEB));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.getMessage()).contains("did not answer within PT0.5S");
    }

    @Test
    void anUnreachableWebhookIsANetworkError() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb");
        CustomFunctionProvider provider = webhookProvider(fake, "PT5S");
        fake.failWith(Failure.DOWN);

        AuthException e = refusal(provider, CALEB);

        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK);
        assertThat(e.getMessage()).doesNotContain(fake.url());
    }

    @Test
    void theWebhookIsUsedAgainOnceItRecovers() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb");
        CustomFunctionProvider provider = webhookProvider(fake, "PT5S");
        fake.failWith(Failure.DOWN);
        refusal(provider, CALEB);

        fake.reset();

        assertThat(provider.authenticate(CALEB).subject()).isEqualTo("user-caleb");
    }

    @Test
    void aPayloadOverTheLimitIsMalformedAndNothingIsSent() {
        FakeFunctionEndpoint fake = webhook().answerId("user-caleb");
        CustomFunctionProvider provider = webhookProvider(fake, "PT5S");

        AuthException e = refusal(provider, Credentials.function(Map.of("blob", "b".repeat(20_000))));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(fake.requestCount()).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // Secrets (SECURITY.md #30)
    // ------------------------------------------------------------------------------------------

    @Test
    void payloadValuesEchoedByTheFunctionAreBlankedOutOfTheMessage() {
        CustomFunctionProvider provider = inProcess(payload -> {
            throw new SecurityException("wrong PIN " + payload.get("pin") + " for " + payload.get("username"));
        });

        AuthException e = refusal(provider, CALEB);

        assertThat(e.getMessage()).doesNotContain(PinDirectory.CALEB_PIN, "caleb").contains("wrong PIN ***");
    }

    @Test
    void payloadValuesEchoedByTheWebhookAreBlankedOutOfTheMessage() {
        FakeFunctionEndpoint fake = webhook().answerWith(payload -> JsonReply.status(401,
                Map.of("error", "wrong PIN " + payload.get("pin"))));

        AuthException e = refusal(webhookProvider(fake, "PT5S"), CALEB);

        assertThat(e.getMessage()).doesNotContain(PinDirectory.CALEB_PIN).contains("wrong PIN ***");
    }

    @Test
    @ResourceLock(Resources.SYSTEM_OUT)
    @ResourceLock(Resources.SYSTEM_ERR)
    @ResourceLock(LogCapture.RESOURCE_LOCK)
    void neitherPayloadValuesNorTheSecretReachMessagesOrLogs() {
        List<SecretScan.Secret> secrets = List.of(new SecretScan.Secret("the PIN", PinDirectory.CALEB_PIN),
                new SecretScan.Secret("the webhook secret", SECRET));
        List<String> messages = new ArrayList<>();
        List<LogCapture.Entry> logs;
        try (LogCapture capture = LogCapture.startIgnoring(List.of("mockwebserver3", "okhttp3.mockwebserver"))) {
            FakeFunctionEndpoint fake = webhook().answerWith(payload -> JsonReply.status(401,
                    Map.of("error", "bad " + payload.get("pin"))));
            CustomFunctionProvider remote = webhookProvider(fake, "PT0.5S");
            messages.add(refusal(remote, CALEB).toString());
            for (Failure failure : List.of(Failure.GARBAGE, Failure.OVERSIZED, Failure.SERVER_ERROR, Failure.STALL, Failure.DOWN)) {
                fake.failWith(failure);
                messages.add(refusal(remote, CALEB).toString());
            }
            CustomFunctionProvider local = inProcess(payload -> {
                throw new IllegalStateException("bad " + payload.get("pin"));
            }, Map.of("timeout", "PT0.2S"));
            messages.add(refusal(local, CALEB).toString());
            CustomFunctionProvider hanging = inProcess(payload -> {
                Thread.sleep(60_000);
                return null;
            }, Map.of("timeout", "PT0.2S"));
            messages.add(refusal(hanging, CALEB).toString());
            logs = capture.entries();
        }

        for (String message : messages) {
            assertThat(SecretScan.find("a message", message, secrets)).as(message).isEmpty();
        }
        assertThat(SecretScan.find(logs, secrets)).isEmpty();
    }

    @Test
    void functionsThatIgnoreTheirInterruptCannotPileUpThreads() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AuthFunction stubborn = payload -> {
            while (true) {
                try {
                    if (release.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                        return FunctionIdentity.of("late");
                    }
                } catch (InterruptedException ignored) {
                    // the kind of function this guard exists for: it swallows its interrupt
                }
            }
        };
        CustomFunctionProvider provider = inProcess(stubborn, Map.of("timeout", "PT0.05S"));
        try {
            for (int i = 0; i < CustomFunctionProvider.MAX_RUNNING; i++) {
                assertThat(refusal(provider, CALEB).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            }
            AuthException busy = refusal(provider, CALEB);
            assertThat(busy.code()).isEqualTo(ErrorCode.PROVIDER_BACKEND);
            assertThat(busy.getMessage()).contains("busy");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aNumericPinEchoedByTheFunctionIsBlankedLikeAStringOne() {
        CustomFunctionProvider provider = inProcess(payload -> {
            throw new IllegalArgumentException("wrong pin " + payload.get("pin") + " for " + payload.get("user"));
        });
        AuthException e = refusal(provider, Credentials.function(Map.of("user", "bob", "pin", 4711)));
        assertThat(e.getMessage()).doesNotContain("4711").contains("wrong pin");
        AuthException huge = refusal(provider, Credentials.function(Map.of("user", "bob", "pin", "x".repeat(5_000))));
        assertThat(huge.getMessage()).doesNotContain("xxxx").hasSizeLessThan(400);
    }
}
