package dev.latchkey.testkit.contract;

import dev.latchkey.testkit.log.TestSecrets;
import static org.assertj.core.api.Assertions.fail;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.Session;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.core.text.Printable;
import dev.latchkey.testkit.EngineHarness;
import dev.latchkey.testkit.fake.Failure;
import dev.latchkey.testkit.fake.FakeBackend;
import dev.latchkey.testkit.log.LogCapture;
import dev.latchkey.testkit.log.SecretScan;
import dev.latchkey.testkit.log.SecretScan.Finding;
import dev.latchkey.testkit.log.SecretScan.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * The contract every {@link CredentialProvider} keeps, as JUnit 5 tests a provider's test class
 * inherits, in the manner of the Reactive Streams TCK's {@code PublisherVerification}
 * (DESIGN.md §5, STYLE.md). The provider's test supplies a few factory methods; every rule of
 * {@link CredentialProviderContractRules} is an inherited test named after it, and a broken rule
 * fails with a message that names the rule, cites DESIGN.md or SECURITY.md, and says how to fix
 * the provider.
 *
 * <pre>{@code
 * class GitHubProviderContractTest extends CredentialProviderContract {
 *     private final JsonEndpointBackend github = new JsonEndpointBackend().route("/user", ...);
 *
 *     protected CredentialProvider createProvider() { return new GitHubProvider(); }
 *     protected Map<String, Object> settings() { return Map.of("apiUrl", github.url("/")); }
 *     protected Optional<FakeBackend> backend() { return Optional.of(github); }
 *     protected Credentials validCredentials(ContractEnvironment env) { return Credentials.of("oauth2-github", Map.of("accessToken", "token-of-alice")); }
 *     protected Credentials otherAccountCredentials(ContractEnvironment env) { ... "token-of-bob" ... }
 *     protected Optional<Credentials> invalidCredentials(ContractEnvironment env) { ... a revoked token ... }
 * }
 * }</pre>
 *
 * <h2>How a rule runs</h2>
 * For every rule, a new test instance: {@link #backend()} is asked for the fake backend (before
 * the engine starts, because {@link #settings()} usually names its address); then a fresh provider
 * from {@link #createProvider()} is registered with a real engine ({@link EngineHarness}), enabled
 * with {@link #settings()}, other providers added by {@link #configure(EngineHarness.Builder)},
 * and started; the engine gives it its real {@code ProviderContext}. Provider-level rules call
 * {@code authenticate} on that started instance directly; engine-level rules call
 * {@code env.service().logIn(...)}. Each credential factory is called at most once per rule and
 * its result reused. Afterwards the backend and the engine are closed.
 *
 * <p>Every call is bounded by {@link #timeouts()}; a call that does not return in time fails the
 * rule instead of hanging the build. The contract never prints a secret: findings show where a
 * secret appeared, with every secret replaced by {@code <secret>}.
 *
 * <h2>Levels</h2>
 * Rules added after the first release carry {@link AddedAtLevel}; a rule new in this release is
 * provisional for tests that declare an older level ({@link ContractLevel}): its failure is
 * reported as a skip with a warning for one release, then it is required. Declare the level your
 * tests were written against with {@code latchkey.contract.level} in
 * {@code src/test/resources/junit-platform.properties}.
 *
 * <p>Rules are public test methods; do not override them to silence a rule (JUnit would then not
 * run it): fix the provider, or fix the factory methods when the contract misunderstood the
 * provider. Rules that need something the test did not supply ({@link #invalidCredentials},
 * {@link #backend()}, {@link #invalidSettings()}) are aborted with the reason, shown as skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_METHOD)
@ExtendWith(ContractLevel.class)
public abstract class CredentialProviderContract implements CredentialProviderContractRules {
    /** The setting name {@code required_unknownSettingFailsStart} adds; no provider should know it. */
    public static final String UNKNOWN_SETTING = "latchkeyContractUnknownSetting";
    /** The provider type {@code required_credentialsOfAnotherProviderAreRejected} uses; no provider should claim it. */
    public static final String FOREIGN_TYPE = "latchkey-contract-foreign";
    /** Threads in the concurrency rules. */
    public static final int THREADS = 8;
    /** Calls per thread in {@code required_concurrentAuthenticationIsConsistent}. */
    public static final int CALLS_PER_THREAD = 25;
    /**
     * How far {@code optional_backendRecoveryNeedsNoRestart} moves the engine's clock between the
     * backend's recovery and the retry: a provider may back off after a failure, for at most this long.
     */
    public static final Duration RECOVERY_GRACE = Duration.ofMinutes(1);
    /** The longest error message accepted: longer ones echo input or flood logs. */
    public static final int MAX_MESSAGE_LENGTH = 2_000;

    /** Payload keys whose values are account names, not secrets, in the default {@link #secretsOf}. */
    private static final Set<String> NOT_SECRET_KEYS = Set.of("username", "email");
    /** The fakes' own request logs are the test's output, not the provider's. */
    private static final List<String> FAKE_LOGGERS = List.of("mockwebserver3", "okhttp3.mockwebserver");
    private static final Set<ErrorCode> MALFORMED_CODES = Set.of(ErrorCode.MALFORMED, ErrorCode.INVALID_CREDENTIALS);
    private static final Set<ErrorCode> FOREIGN_CODES =
            Set.of(ErrorCode.MALFORMED, ErrorCode.INVALID_CREDENTIALS, ErrorCode.INVALID_PARAMETER);

    private static final String SEE_SPI = "DESIGN.md §3 (The SPI)";
    private static final String SEE_ERRORS = "DESIGN.md §3 (Errors) and §7 (bad input gets a clear AuthException)";
    private static final String SEE_SECRETS = "SECURITY.md #30 and DESIGN.md §7 (secrets never reach a log, a message or toString)";
    private static final String SEE_BACKEND = "SECURITY.md #7 and ErrorCode's Javadoc (NETWORK, PROVIDER_BACKEND)";
    private static final String SEE_USERS = "DESIGN.md §4 (Users and identities)";

    private String rule = "contract";
    private ContractEnvironment env;
    private ExecutorService calls;
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private Credentials valid;
    private Credentials other;
    private Optional<Credentials> invalid;
    private List<Credentials> malformed;
    private List<Secret> allSecrets;

    // ------------------------------------------------------------------------------------------
    // What the provider's test supplies
    // ------------------------------------------------------------------------------------------

    /**
     * A new, unstarted instance of the provider under test; called once per rule for the engine,
     * and again by rules that need more instances. Must not return a shared instance.
     *
     * @return the provider
     */
    protected abstract CredentialProvider createProvider();

    /**
     * The provider's section of the configuration, without {@code "enabled"}, as it would appear
     * in {@code latchkey.json}: JSON values only (durations as ISO-8601 strings). Called after
     * {@link #backend()}, so it may name the backend's address.
     *
     * @return the settings; empty by default
     */
    protected Map<String, Object> settings() {
        return Map.of();
    }

    /**
     * Adds to the engine what the provider's test needs besides the provider: other providers
     * ({@code engine.enable("api-key")}), token settings, a clock. Called after the provider is
     * registered and enabled; do not enable the provider's own type again.
     *
     * @param engine the harness being described
     */
    protected void configure(EngineHarness.Builder engine) {
    }

    /**
     * Valid credentials of account A. May set the account up through the environment (for
     * example mint an API key with {@code env.service()}, or register a token with the fake
     * backend).
     *
     * @param env the running environment
     * @return credentials of the provider's type that it accepts
     */
    protected abstract Credentials validCredentials(ContractEnvironment env);

    /**
     * Valid credentials of another account, B.
     *
     * @param env the running environment
     * @return credentials of the provider's type for another account than {@link #validCredentials}
     */
    protected abstract Credentials otherAccountCredentials(ContractEnvironment env);

    /**
     * Credentials that are well formed but wrong (unknown account, wrong password, revoked token,
     * an API key of the right shape with a wrong secret).
     *
     * @param env the running environment
     * @return the credentials, or empty when the provider has none (then
     *     {@code required_invalidCredentialsAreRejected} is skipped)
     */
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        return Optional.empty();
    }

    /**
     * Hostile payloads of the provider's type that it must reject with {@code MALFORMED} or
     * {@code INVALID_CREDENTIALS}. The default, {@link MalformedPayloads#derivedFrom}, is built
     * from the valid credentials' fields; add to it with {@code super.malformedCredentials(env)},
     * or replace it when the provider takes free-form payloads (a custom function).
     *
     * @param env the running environment
     * @return the hostile credentials
     */
    protected List<Credentials> malformedCredentials(ContractEnvironment env) {
        return MalformedPayloads.derivedFrom(valid());
    }

    /**
     * Whether every log-in is a new account, as for {@code anon-user}; the subject and user rules
     * then require a new subject and user each time instead of the same one.
     *
     * @return false by default
     */
    protected boolean eachLogInIsANewAccount() {
        return false;
    }

    /**
     * The secrets in credentials: what must never appear in a message, a log, {@code toString}
     * or an identity. The default is every string value of the payload (at any depth) that is at
     * least 8 characters long, except those under the keys {@code "username"} and {@code "email"}.
     *
     * @param credentials credentials the test supplied
     * @return the secret values
     */
    protected Set<String> secretsOf(Credentials credentials) {
        Set<String> out = new LinkedHashSet<>();
        collectSecrets(credentials.payload(), null, out);
        return out;
    }

    /**
     * The fake backend the provider talks to, when it has one; called once per rule, before
     * {@link #settings()}. The contract {@linkplain FakeBackend#close() closes} it after the rule,
     * so return a new one each time, or one held in a field of the test instance (JUnit makes a new
     * instance per rule).
     *
     * @return the backend, or empty (then the {@code optional_backend...} rules are skipped)
     */
    protected Optional<FakeBackend> backend() {
        return Optional.empty();
    }

    /**
     * Settings the provider must refuse at start, e.g. a missing required URL.
     *
     * @return the settings, or empty (then {@code optional_badSettingsFailStartWithConfiguration} is skipped)
     */
    protected Optional<Map<String, Object>> invalidSettings() {
        return Optional.empty();
    }

    /**
     * How long calls may take.
     *
     * @return {@link ContractTimeouts#defaults()} by default
     */
    protected ContractTimeouts timeouts() {
        return ContractTimeouts.defaults();
    }

    // ------------------------------------------------------------------------------------------
    // Lifecycle
    // ------------------------------------------------------------------------------------------

    /**
     * Starts the fake backend and a real engine with a fresh provider, before each rule.
     *
     * @param test which rule runs
     */
    @BeforeEach
    protected final void startContractEnvironment(TestInfo test) {
        rule = test.getTestMethod().map(m -> m.getName()).orElse(test.getDisplayName());
        ContractTimeouts limits = Objects.requireNonNull(timeouts(), "timeouts() returned null");
        AtomicInteger threads = new AtomicInteger();
        calls = Executors.newCachedThreadPool(daemon(() -> "contract-call-" + threads.incrementAndGet()));
        Optional<FakeBackend> fake = Objects.requireNonNull(backend(), "backend() returned null; return Optional.empty()");
        fake.ifPresent(cleanup::add);
        CredentialProvider provider = freshProvider();
        EngineHarness harness = engine(provider, settings());
        try {
            harness.start();
        } catch (AuthException e) {
            fail(setupProblem("the engine did not start the provider with settings(): " + e,
                    "make settings() hold what the provider's start() requires, or fix start()"));
        }
        cleanup.add(harness);
        env = new ContractEnvironment(harness, provider, fake, limits);
    }

    /** Closes the backend (letting stalled requests go), the engine and the contract's threads, after each rule. */
    @AfterEach
    protected final void closeContractEnvironment() {
        // Backends first, so that calls they stall are let go; then engines, newest first.
        List<AutoCloseable> order = new ArrayList<>();
        cleanup.stream().filter(c -> c instanceof FakeBackend).forEach(order::add);
        List<AutoCloseable> rest = new ArrayList<>(cleanup);
        rest.removeAll(order);
        Collections.reverse(rest);
        order.addAll(rest);
        order.forEach(CredentialProviderContract::closeQuietly);
        cleanup.clear();
        if (calls != null) {
            calls.shutdownNow();
        }
    }

    /**
     * The environment of the running rule, for tests a provider's test class adds of its own
     * (they run with the same engine, provider and backend as the rules).
     *
     * @return the environment; set before each test, after the subclass's constructor
     */
    protected final ContractEnvironment env() {
        if (env == null) {
            throw new IllegalStateException("the contract environment starts before each test; it is not available yet");
        }
        return env;
    }

    // ------------------------------------------------------------------------------------------
    // The rules (see CredentialProviderContractRules for each one's Javadoc)
    // ------------------------------------------------------------------------------------------

    @Override
    @Test
    public void required_discoverableThroughServiceLoader() {
        Class<?> expected = createProvider().getClass();
        String type = env.providerType();
        Set<String> found = new TreeSet<>();
        List<String> claimingType = new ArrayList<>();
        boolean discovered = false;
        try {
            for (ServiceLoader.Provider<CredentialProvider> p : ServiceLoader.load(CredentialProvider.class, classLoader())
                    .stream().toList()) {
                found.add(p.type().getName());
                discovered |= p.type() == expected;
                String otherType;
                try {
                    otherType = p.get().type();
                } catch (RuntimeException e) {
                    otherType = null;
                }
                if (type.equals(otherType)) {
                    claimingType.add(p.type().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            fail(violation("a CredentialProvider registered on the class path cannot be loaded: " + e.getMessage(), SEE_SPI,
                    "give every provider class a public no-argument constructor and register it only with"
                            + " @AutoService(CredentialProvider.class)"));
        }
        if (!discovered) {
            fail(violation("ServiceLoader.load(CredentialProvider.class) does not find " + expected.getName()
                            + "; it finds " + found,
                    "DESIGN.md §1 (providers are found with java.util.ServiceLoader) and §3",
                    "annotate " + expected.getSimpleName() + " with @AutoService(CredentialProvider.class)"
                            + " (com.google.auto.service:auto-service-annotations, with the auto-service processor on the"
                            + " annotation processor path); no hand-written META-INF/services file"));
        }
        if (claimingType.size() > 1) {
            fail(violation("several providers on the class path claim type '" + type + "': " + claimingType
                            + "; the engine refuses to start with both",
                    "DESIGN.md §3 (two jars claiming one type fail at start-up)",
                    "give the provider a type of its own, or remove the other jar"));
        }
    }

    @Override
    @Test
    public void required_typeIsWellFormedAndStable() {
        String type = env.provider().type();
        if (!ProviderTypes.isWellFormed(type)) {
            fail(violation("type() returns \"" + SecretScan.printable(String.valueOf(type)) + "\"", SEE_SPI,
                    "return 1-64 characters of a-z, 0-9 and '-', starting with a letter (ProviderTypes.isWellFormed)"));
        }
        CredentialProvider first = createProvider();
        CredentialProvider second = createProvider();
        if (first == second || first == env.provider()) {
            fail(setupProblem("createProvider() returned the same instance twice",
                    "return a new instance from createProvider(): the engine starts each one once"));
        }
        List<String> types = List.of(type, env.provider().type(), first.type(), first.type(), second.type());
        if (new HashSet<>(types).size() != 1) {
            fail(violation("type() is not stable: instances and calls returned " + types, SEE_SPI,
                    "return a constant from type()"));
        }
        for (Map.Entry<String, Credentials> c : Map.of("validCredentials()", valid(), "otherAccountCredentials()", other()).entrySet()) {
            if (!type.equals(c.getValue().providerType())) {
                fail(setupProblem(c.getKey() + " returned credentials of type '" + c.getValue().providerType()
                        + "' but the provider's type is '" + type + "'", "build the credentials with Credentials.of(\"" + type + "\", ...)"));
            }
        }
    }

    @Override
    @Test
    public void required_validCredentialsProveAnIdentityOfThisProvider() {
        for (Map.Entry<String, Credentials> c : accounts().entrySet()) {
            Identity identity = expectIdentity("authenticate(" + c.getKey() + ")", authenticate(c.getValue()));
            if (!env.providerType().equals(identity.providerType())) {
                fail(violation("authenticate(" + c.getKey() + ") returned an identity of provider '" + identity.providerType()
                        + "', not '" + env.providerType() + "'", SEE_SPI,
                        "build the identity with Identity.of(type(), subject); the engine refuses identities of another provider"));
            }
            if (identity.subject() == null || identity.subject().isBlank()) {
                fail(violation("authenticate(" + c.getKey() + ") returned a blank subject", SEE_SPI,
                        "use the account's stable id at the provider as the subject"));
            }
            if (identity.profile() == null) {
                fail(violation("authenticate(" + c.getKey() + ") returned an identity without a profile", SEE_SPI,
                        "use Profile.EMPTY when the provider knows nothing about the person"));
            }
        }
    }

    @Override
    @Test
    public void required_subjectIsStablePerAccount() {
        for (Map.Entry<String, Credentials> c : accounts().entrySet()) {
            String first = expectIdentity("the first authenticate(" + c.getKey() + ")", authenticate(c.getValue())).subject();
            String second = expectIdentity("the second authenticate(" + c.getKey() + ")", authenticate(c.getValue())).subject();
            if (eachLogInIsANewAccount() && first.equals(second)) {
                fail(violation("two log-ins with " + c.getKey() + " gave the same subject '" + first
                                + "', but eachLogInIsANewAccount() says every log-in is a new account", SEE_SPI,
                        "make a new subject (at least 128 random bits) for every log-in, or return false from"
                                + " eachLogInIsANewAccount()"));
            }
            if (!eachLogInIsANewAccount() && !first.equals(second)) {
                fail(violation("two log-ins with " + c.getKey() + " gave different subjects ('" + first + "', '" + second + "')",
                        SEE_SPI + ": the subject is stable per external account",
                        "use the account's stable id at the provider (never a random value, a timestamp or a token) as the"
                                + " subject; if every log-in really is a new account, return true from eachLogInIsANewAccount()"));
            }
        }
    }

    @Override
    @Test
    public void required_otherAccountsGetOtherSubjects() {
        String a = expectIdentity("authenticate(validCredentials())", authenticate(valid())).subject();
        String b = expectIdentity("authenticate(otherAccountCredentials())", authenticate(other())).subject();
        if (a.equals(b)) {
            fail(violation("validCredentials() and otherAccountCredentials() both gave subject '" + a + "'", SEE_SPI,
                    "derive the subject from the account the credentials prove, so that two accounts never share one"
                            + " (and check that otherAccountCredentials() really is another account)"));
        }
    }

    @Override
    @Test
    public void required_sameAccountLogsInToTheSameUser() {
        Session first = expectSession("the first logIn(validCredentials())", logIn(valid()));
        Session second = expectSession("the second logIn(validCredentials())", logIn(valid()));
        Session otherUser = expectSession("logIn(otherAccountCredentials())", logIn(other()));
        String a1 = first.user().id();
        String a2 = second.user().id();
        String b = otherUser.user().id();
        if (eachLogInIsANewAccount() && (a1.equals(a2) || b.equals(a1) || b.equals(a2))) {
            fail(violation("log-ins that should each be a new account share a user (" + a1 + ", " + a2 + ", " + b + ")",
                    SEE_USERS, "make a new subject for every log-in"));
        }
        if (!eachLogInIsANewAccount() && !a1.equals(a2)) {
            fail(violation("two log-ins with validCredentials() gave two users (" + a1 + ", " + a2 + ")",
                    SEE_USERS + ": logging in with an identity seen before returns the same user",
                    "return the same subject for every log-in of one account"));
        }
        if (!eachLogInIsANewAccount() && b.equals(a1)) {
            fail(violation("validCredentials() and otherAccountCredentials() logged in to the same user " + a1, SEE_USERS,
                    "give different accounts different subjects"));
        }
        boolean carriesIdentity = first.user().identities().stream().anyMatch(i -> env.providerType().equals(i.providerType()));
        if (!carriesIdentity) {
            fail(violation("the user logged in with validCredentials() has no identity of provider '" + env.providerType()
                    + "' (it has " + first.user().identities().size() + " identities)", SEE_USERS,
                    "return an identity of this provider from authenticate"));
        }
    }

    @Override
    @Test
    public void required_invalidCredentialsAreRejected() {
        Credentials bad = invalid().orElseGet(() -> Assumptions.abort(rule + " skipped: invalidCredentials(env) is empty."
                + " Supply well-formed but wrong credentials (unknown account, wrong password, revoked token) to run it."));
        String fix = "throw new AuthException(ErrorCode.INVALID_CREDENTIALS, \"...\") when credentials are well formed but"
                + " wrong; never accept them, and never report them as another error";
        expectAuthException("authenticate(invalidCredentials())", authenticate(bad), EnumSet.of(ErrorCode.INVALID_CREDENTIALS),
                SEE_ERRORS + "; SECURITY.md (\"Rejected\", #16, #18)", fix);
        expectAuthException("engine logIn(invalidCredentials())", logIn(bad), EnumSet.of(ErrorCode.INVALID_CREDENTIALS),
                SEE_ERRORS + "; SECURITY.md (\"Rejected\")", fix);
    }

    @Override
    @Test
    public void required_malformedCredentialsAreRejectedWithAClearError() {
        List<Credentials> hostile = malformed();
        if (hostile.isEmpty()) {
            Assumptions.abort(rule + " skipped: malformedCredentials(env) is empty");
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < hostile.size(); i++) {
            Credentials c = hostile.get(i);
            String what = "malformedCredentials()[" + i + "] " + shape(c.payload());
            Outcome<Identity> outcome;
            try {
                outcome = authenticate(c);
            } catch (AssertionError timedOut) {
                problems.add(what + ": " + timedOut.getMessage().lines().findFirst().orElse("timed out"));
                continue;
            }
            if (outcome.thrown() == null) {
                problems.add(what + " was accepted (subject '" + subjectOf(outcome.value()) + "')");
            } else if (!(outcome.thrown() instanceof AuthException e)) {
                problems.add(what + " threw " + describe(outcome.thrown()));
            } else if (!MALFORMED_CODES.contains(e.code())) {
                problems.add(what + " failed with code " + e.code() + " (expected MALFORMED or INVALID_CREDENTIALS): " + describe(e));
            } else if (e.getMessage() == null || e.getMessage().isBlank()) {
                problems.add(what + " failed with a blank message");
            } else if (e.getMessage().length() > MAX_MESSAGE_LENGTH) {
                problems.add(what + " failed with a message of " + e.getMessage().length() + " characters (at most "
                        + MAX_MESSAGE_LENGTH + "): it echoes the input");
            } else if (e.getMessage().chars().anyMatch(ch -> ch == '\r' || ch == '\n' || ch == 0)) {
                problems.add(what + " failed with a message that holds CR, LF or NUL: it echoes the input, and a log"
                        + " line built from it can be forged");
            }
        }
        if (!problems.isEmpty()) {
            fail(violation(problems.size() + " of " + hostile.size() + " malformed payloads were not rejected cleanly:\n    - "
                            + String.join("\n    - ", problems),
                    SEE_ERRORS + "; SECURITY.md #11, #21, #22",
                    "check the payload's shape before using it: read fields with credentials.stringField(name) (never a"
                            + " cast), bound lengths, refuse control characters, and throw AuthException(ErrorCode.MALFORMED,"
                            + " \"<which field is wrong and why>\") without echoing the value"));
        }
    }

    @Override
    @Test
    public void required_credentialsOfAnotherProviderAreRejected() {
        Credentials foreign = foreign();
        expectAuthException("authenticate(credentials of type '" + FOREIGN_TYPE + "' with the valid payload)",
                authenticate(foreign), FOREIGN_CODES, SEE_SPI,
                "check credentials.providerType() first and throw AuthException(ErrorCode.MALFORMED, \"these are <type>"
                        + " credentials; this provider takes ...\")");
    }

    @Override
    @Test
    public void required_identityCarriesNoSecret() {
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, Credentials> c : accounts().entrySet()) {
            Identity identity = expectIdentity("authenticate(" + c.getKey() + ")", authenticate(c.getValue()));
            String of = " of the identity proved by " + c.getKey();
            findings.addAll(SecretScan.find("the subject" + of, identity.subject(), allSecrets()));
            findings.addAll(SecretScan.find("the profile" + of, String.valueOf(identity.profile()), allSecrets()));
        }
        if (!findings.isEmpty()) {
            fail(violation("an identity carries a secret of the credentials:\n    - " + joinFindings(findings),
                    SEE_SECRETS + "; the subject is stored and put in access tokens",
                    "use the account's id at the provider as the subject, never the token, key or password itself"
                            + " (nor a reversible encoding of it), and keep secrets out of the profile"));
        }
    }

    @Override
    @Test
    public void required_secretsNeverAppearInMessages() {
        List<Finding> findings = new ArrayList<>();
        Map<String, Credentials> rejected = rejectedCredentials();
        for (Map.Entry<String, Credentials> c : rejected.entrySet()) {
            Outcome<Identity> outcome = authenticate(c.getValue());
            if (outcome.thrown() != null) {
                findings.addAll(scanThrowable("authenticate(" + c.getKey() + ")", outcome.thrown()));
            }
        }
        Optional<Credentials> bad = invalid();
        if (bad.isPresent()) {
            Outcome<Session> outcome = logIn(bad.get());
            if (outcome.thrown() != null) {
                findings.addAll(scanThrowable("engine logIn(invalidCredentials())", outcome.thrown()));
            }
        }
        if (!findings.isEmpty()) {
            fail(violation("exception messages hold secrets:\n    - " + joinFindings(findings), SEE_SECRETS,
                    "say what was wrong (\"invalid API key\", \"the 'token' field must be a string\") without the value;"
                            + " wrap library exceptions only when their messages cannot hold the secret"));
        }
    }

    @Override
    @Test
    @ResourceLock(Resources.SYSTEM_OUT)
    @ResourceLock(Resources.SYSTEM_ERR)
    @ResourceLock(LogCapture.RESOURCE_LOCK)
    public void required_secretsNeverAppearInLogs() {
        Map<String, Credentials> everything = new LinkedHashMap<>(accounts());
        everything.putAll(rejectedCredentials());
        List<LogCapture.Entry> captured;
        try (LogCapture capture = LogCapture.startIgnoring(FAKE_LOGGERS)) {
            for (Credentials c : everything.values()) {
                authenticate(c);
            }
            logIn(valid());
            logIn(other());
            invalid().ifPresent(this::logIn);
            malformed().stream().limit(3).forEach(this::logIn);
            captured = capture.entries();
        }
        List<Finding> findings = SecretScan.find(captured, allSecrets());
        if (!findings.isEmpty()) {
            fail(violation("secrets reached the logs or the console while the provider handled credentials:\n    - "
                            + joinFindings(findings), SEE_SECRETS,
                    "never log or print credential values, request bodies, tokens or exceptions whose messages hold them;"
                            + " log the provider type, field names and error codes instead"));
        }
    }

    @Override
    @Test
    public void required_credentialsToStringHidesSecrets() {
        List<Finding> findings = new ArrayList<>();
        Map<String, Credentials> everything = new LinkedHashMap<>(accounts());
        invalid().ifPresent(c -> everything.put("invalidCredentials()", c));
        List<Credentials> hostile = malformed();
        for (int i = 0; i < hostile.size(); i++) {
            everything.put("malformedCredentials()[" + i + "]", hostile.get(i));
        }
        for (Map.Entry<String, Credentials> c : everything.entrySet()) {
            findings.addAll(SecretScan.find("toString() of " + c.getKey(), c.getValue().toString(), allSecrets()));
        }
        if (!findings.isEmpty()) {
            fail(violation("toString() shows secrets:\n    - " + joinFindings(findings),
                    "DESIGN.md §3 (Credentials.toString() never shows a secret)",
                    "build credentials with Credentials.of(type, payload) or its factory methods, whose toString() shows"
                            + " field names only"));
        }
    }

    @Override
    @Test
    public void required_concurrentAuthenticationIsConsistent() throws InterruptedException {
        boolean fresh = eachLogInIsANewAccount();
        String subjectA = fresh ? null : expectIdentity("authenticate(validCredentials())", authenticate(valid())).subject();
        String subjectB = fresh ? null : expectIdentity("authenticate(otherAccountCredentials())", authenticate(other())).subject();
        Credentials a = valid();
        Credentials b = other();
        List<List<String>> results = race(THREADS, thread -> {
            List<String> subjects = new ArrayList<>();
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                boolean useA = (thread + i) % 2 == 0;
                Identity identity = env.provider().authenticate(useA ? a : b);
                subjects.add((useA ? "A:" : "B:") + (identity == null ? "(null identity)" : identity.subject()));
            }
            return subjects;
        }, "concurrent authenticate calls");
        List<String> all = results.stream().flatMap(List::stream).toList();
        if (fresh) {
            Set<String> distinct = new HashSet<>(all);
            if (distinct.size() != all.size()) {
                fail(violation((all.size() - distinct.size()) + " of " + all.size() + " concurrent log-ins reused a subject, but"
                                + " every log-in should be a new account", SEE_SPI + " (thread-safe after start)",
                        "make subjects from enough randomness (SecureRandom, 128 bits) and share no mutable state between calls"));
            }
            return;
        }
        long wrong = all.stream().filter(s -> !s.equals("A:" + subjectA) && !s.equals("B:" + subjectB)).count();
        if (wrong > 0) {
            fail(violation(wrong + " of " + all.size() + " concurrent calls returned another subject than the account's"
                            + " ('" + subjectA + "' for A, '" + subjectB + "' for B)", SEE_SPI + " (thread-safe after start)",
                    "keep no per-call state in fields; use thread-safe collections and immutable settings"));
        }
    }

    @Override
    @Test
    public void required_racingLogInsOfOneAccountMakeOneUser() throws InterruptedException {
        Credentials a = valid();
        List<String> users = race(THREADS, thread -> env.service().logIn(a).user().id(), "racing engine log-ins");
        Set<String> distinct = new HashSet<>(users);
        if (eachLogInIsANewAccount() && distinct.size() != THREADS) {
            fail(violation(THREADS + " racing log-ins that should each be a new account made " + distinct.size() + " users",
                    SEE_USERS, "make a new subject for every log-in"));
        }
        if (!eachLogInIsANewAccount() && distinct.size() != 1) {
            fail(violation(THREADS + " racing log-ins of one account made " + distinct.size() + " users",
                    SEE_USERS + ": the first login of a new identity creates one user exactly once, even when many logins race",
                    "return one stable subject per account, also under concurrency"));
        }
    }

    @Override
    @Test
    public void required_unknownIdentityRemovalIsHarmless() {
        String before = eachLogInIsANewAccount() ? null
                : expectIdentity("authenticate(validCredentials())", authenticate(valid())).subject();
        List<String> subjects = List.of("no-such-subject", "", "x".repeat(10_000), "nul\u0000subject", "../../etc/passwd",
                "'; DROP TABLE users;--", "\uD800");
        List<String> problems = new ArrayList<>();
        for (String subject : subjects) {
            Outcome<Object> outcome = call("identityRemoved(" + shape(subject) + ")", env.timeouts().call(),
                    "return quickly from identityRemoved", () -> {
                        env.provider().identityRemoved(subject);
                        return null;
                    });
            if (outcome.thrown() != null) {
                problems.add("identityRemoved(" + shape(subject) + ") threw " + describe(outcome.thrown()));
            }
        }
        if (!problems.isEmpty()) {
            fail(violation(String.join("; ", problems), SEE_SPI + " (identityRemoved)",
                    "ignore subjects the provider never issued: check their shape before looking them up, and never throw"));
        }
        Identity after = expectIdentity("authenticate(validCredentials()) after removing unknown identities", authenticate(valid()));
        if (before != null && !before.equals(after.subject())) {
            fail(violation("removing unknown identities changed account A's subject", SEE_SPI,
                    "drop only the records of the subject given"));
        }
    }

    @Override
    @Test
    public void required_unknownSettingFailsStart() {
        Map<String, Object> bad = new LinkedHashMap<>(settings());
        bad.put(UNKNOWN_SETTING, true);
        AuthException e = expectStartFailure(bad, "an unknown setting '" + UNKNOWN_SETTING + "'",
                "bind settings with context.settings(YourSettings.class) (a record), which refuses unknown keys;"
                        + " a provider without settings must not read them at all");
        String path = "providers." + env.providerType();
        if (!e.getMessage().contains(path) || !e.getMessage().contains(UNKNOWN_SETTING)) {
            fail(violation("the start-up error does not name " + path + " and " + UNKNOWN_SETTING + ": " + describe(e),
                    "DESIGN.md §2 (unknown keys are an error that names them)",
                    "let context.settings(...) report it, or name providers.<type>.<setting> yourself"));
        }
    }

    @Override
    @Test
    public void optional_badSettingsFailStartWithConfiguration() {
        Map<String, Object> bad = invalidSettings().orElseGet(() -> Assumptions.abort(rule
                + " skipped: invalidSettings() is empty. Supply settings the provider must refuse (a missing or malformed"
                + " required setting) to run it."));
        AuthException e = expectStartFailure(bad, "invalidSettings()",
                "check settings in start() (a settings record's canonical constructor throwing IllegalArgumentException"
                        + " does it) and fail fast");
        String path = "providers." + env.providerType();
        if (!e.getMessage().contains(path)) {
            fail(violation("the start-up error does not name " + path + ": " + describe(e), SEE_SPI + " (ProviderContext.settings)",
                    "throw AuthException(ErrorCode.CONFIGURATION) naming the setting, or let context.settings(...) do it"));
        }
    }

    @Override
    @Test
    public void optional_backendDownIsANetworkError() {
        expectBackendFailure(Failure.DOWN, env.timeouts().call(), EnumSet.of(ErrorCode.NETWORK),
                "map connection failures (java.net.ConnectException, any IOException before an answer) to"
                        + " AuthException(ErrorCode.NETWORK, \"<service> could not be reached\")");
    }

    @Override
    @Test
    public void optional_backendStallIsBoundedByTimeout() {
        expectBackendFailure(Failure.STALL, env.timeouts().backendStall(), EnumSet.of(ErrorCode.NETWORK),
                "give every backend call a timeout (the shared OkHttpClient from context.service(OkHttpClient.class) has"
                        + " one; client.newBuilder().callTimeout(...) sets a shorter one) and map the timeout"
                        + " (java.io.InterruptedIOException) to AuthException(ErrorCode.NETWORK)");
    }

    @Override
    @Test
    @AddedAtLevel(2)
    public void optional_slowBackendIsBoundedByTimeout() {
        expectBackendFailure(Failure.SLOW, env.timeouts().backendStall(), EnumSet.of(ErrorCode.NETWORK),
                "give every backend call a deadline for the whole call, not only for each read: a server that"
                        + " trickles its answer a few bytes at a time never trips a read timeout. OkHttp's"
                        + " client.newBuilder().callTimeout(...) does it; map the timeout (java.io.InterruptedIOException)"
                        + " to AuthException(ErrorCode.NETWORK)");
    }

    @Override
    @Test
    public void optional_backend5xxIsAProviderBackendError() {
        expectBackendFailure(Failure.SERVER_ERROR, env.timeouts().call(), EnumSet.of(ErrorCode.PROVIDER_BACKEND),
                "check the HTTP status before reading the answer; map 5xx to AuthException(ErrorCode.PROVIDER_BACKEND),"
                        + " never to INVALID_CREDENTIALS (the user did nothing wrong)");
    }

    @Override
    @Test
    public void optional_backendRateLimitIsReported() {
        expectBackendFailure(Failure.TOO_MANY_REQUESTS, env.timeouts().call(),
                EnumSet.of(ErrorCode.RATE_LIMITED, ErrorCode.PROVIDER_BACKEND),
                "map HTTP 429 to AuthException(ErrorCode.RATE_LIMITED) (or PROVIDER_BACKEND)");
    }

    @Override
    @Test
    public void optional_backendGarbageIsAProviderBackendError() {
        expectBackendFailure(Failure.GARBAGE, env.timeouts().call(), EnumSet.of(ErrorCode.PROVIDER_BACKEND),
                "parse the answer defensively (catch JsonParseException / IllegalStateException, check types) and map"
                        + " an unreadable answer to AuthException(ErrorCode.PROVIDER_BACKEND)");
    }

    @Override
    @Test
    public void optional_backendOversizedAnswerIsRefused() {
        expectBackendFailure(Failure.OVERSIZED, env.timeouts().call(), EnumSet.of(ErrorCode.PROVIDER_BACKEND),
                "read at most a fixed number of bytes (well under 1 MiB) from the answer, e.g."
                        + " body.byteStream().readNBytes(limit + 1), and refuse a longer one with"
                        + " AuthException(ErrorCode.PROVIDER_BACKEND); do not trust Content-Length, it may be absent");
    }

    @Override
    @Test
    public void optional_backendRecoveryNeedsNoRestart() {
        FakeBackend backend = requireBackend();
        Credentials a = valid();
        backend.failWith(Failure.SERVER_ERROR);
        Outcome<Identity> failed = authenticate(a);
        if (failed.thrown() == null) {
            fail(violation("authenticate(validCredentials()) succeeded while the backend answered 500, so recovery"
                            + " cannot be checked", SEE_BACKEND,
                    "call the backend on every log-in (or point settings() at the fake backend), and refuse 5xx answers"));
        }
        backend.reset();
        env.clock().advance(RECOVERY_GRACE);
        expectIdentity("authenticate(validCredentials()) after the backend recovered", authenticate(a));
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    /** What a bounded call ended with: a value, or what it threw. */
    private record Outcome<T>(T value, Throwable thrown) {
    }

    /** Work one racing thread does. */
    @FunctionalInterface
    private interface RacingWork<T> {
        T run(int thread) throws Exception;
    }

    private CredentialProvider freshProvider() {
        CredentialProvider provider = createProvider();
        if (provider == null) {
            fail(setupProblem("createProvider() returned null", "return a new instance of the provider"));
        }
        return provider;
    }

    private EngineHarness engine(CredentialProvider provider, Map<String, Object> providerSettings) {
        EngineHarness.Builder builder = EngineHarness.builder()
                .provider(provider)
                .enable(provider.type(), Objects.requireNonNull(providerSettings, "settings() returned null"));
        configure(builder);
        return builder.build();
    }

    private Credentials valid() {
        if (valid == null) {
            valid = supplied("validCredentials(env)", validCredentials(env));
        }
        return valid;
    }

    private Credentials other() {
        if (other == null) {
            valid();
            other = supplied("otherAccountCredentials(env)", otherAccountCredentials(env));
            if (!eachLogInIsANewAccount() && other.equals(valid)) {
                fail(setupProblem("otherAccountCredentials(env) equals validCredentials(env)",
                        "return credentials of a second account"));
            }
        }
        return other;
    }

    private Optional<Credentials> invalid() {
        if (invalid == null) {
            valid();
            other();
            Optional<Credentials> supplied = Objects.requireNonNull(invalidCredentials(env),
                    "invalidCredentials(env) returned null; return Optional.empty()");
            invalid = supplied.map(c -> supplied("invalidCredentials(env)", c));
        }
        return invalid;
    }

    private List<Credentials> malformed() {
        if (malformed == null) {
            valid();
            List<Credentials> supplied = Objects.requireNonNull(malformedCredentials(env), "malformedCredentials(env) returned null");
            for (Credentials c : supplied) {
                supplied("an element of malformedCredentials(env)", c);
            }
            malformed = List.copyOf(supplied);
        }
        return malformed;
    }

    private Credentials foreign() {
        return Credentials.of(FOREIGN_TYPE, valid().payload());
    }

    private Map<String, Credentials> accounts() {
        Map<String, Credentials> m = new LinkedHashMap<>();
        m.put("validCredentials()", valid());
        m.put("otherAccountCredentials()", other());
        return m;
    }

    /** Everything the provider must refuse: invalid, malformed and foreign credentials. */
    private Map<String, Credentials> rejectedCredentials() {
        Map<String, Credentials> m = new LinkedHashMap<>();
        invalid().ifPresent(c -> m.put("invalidCredentials()", c));
        List<Credentials> hostile = malformed();
        for (int i = 0; i < hostile.size(); i++) {
            m.put("malformedCredentials()[" + i + "]", hostile.get(i));
        }
        m.put("credentials of type '" + FOREIGN_TYPE + "'", foreign());
        return m;
    }

    private Credentials supplied(String what, Credentials c) {
        if (c == null) {
            fail(setupProblem(what + " returned null", "return credentials of the provider's type"));
        }
        if (!c.providerType().equals(env.providerType())) {
            fail(setupProblem(what + " returned credentials of type '" + c.providerType() + "', but the provider's type is '"
                    + env.providerType() + "'", "build them with Credentials.of(\"" + env.providerType() + "\", payload)"));
        }
        // The build-wide scan looks for them in every test that runs from now on, not only in this contract's rules.
        for (String secret : secretsOf(c)) {
            TestSecrets.register("a secret of " + what + " of " + getClass().getSimpleName(), secret);
        }
        return c;
    }

    /** Every secret of every credential the test supplied, labelled by where it came from, longest first. */
    private List<Secret> allSecrets() {
        if (allSecrets == null) {
            Map<String, Secret> byValue = new LinkedHashMap<>();
            Map<String, Credentials> sources = new LinkedHashMap<>(accounts());
            invalid().ifPresent(c -> sources.put("invalidCredentials()", c));
            List<Credentials> hostile = malformed();
            for (int i = 0; i < hostile.size(); i++) {
                sources.put("malformedCredentials()[" + i + "]", hostile.get(i));
            }
            for (Map.Entry<String, Credentials> source : sources.entrySet()) {
                for (String value : secretsOf(source.getValue())) {
                    if (value != null && !value.isEmpty()) {
                        String field = fieldHolding(source.getValue().payload(), value);
                        byValue.putIfAbsent(value, new Secret("the secret" + (field == null ? "" : " in field '" + field + "'")
                                + " of " + source.getKey() + " (" + value.length() + " chars)", value));
                    }
                }
            }
            List<Secret> list = new ArrayList<>(byValue.values());
            list.sort((x, y) -> Integer.compare(y.value().length(), x.value().length()));
            allSecrets = List.copyOf(list);
        }
        return allSecrets;
    }

    /** The secrets known so far, for redacting a report; never fails. */
    private Collection<Secret> knownSecrets() {
        if (allSecrets != null) {
            return allSecrets;
        }
        List<Secret> known = new ArrayList<>();
        for (Credentials c : new Credentials[] {valid, other}) {
            if (c != null) {
                for (String s : secretsOf(c)) {
                    if (s != null && !s.isEmpty()) {
                        known.add(new Secret("a secret", s));
                    }
                }
            }
        }
        return known;
    }

    private static void collectSecrets(Object value, String key, Set<String> out) {
        if (value instanceof String s) {
            if (s.length() >= 8 && (key == null || !NOT_SECRET_KEYS.contains(key))) {
                out.add(s);
            }
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> collectSecrets(v, String.valueOf(k), out));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> collectSecrets(v, key, out));
        }
    }

    private static String fieldHolding(Object value, String secret) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (secret.equals(e.getValue())) {
                    return String.valueOf(e.getKey());
                }
                String inner = fieldHolding(e.getValue(), secret);
                if (inner != null) {
                    return e.getKey() + "." + inner;
                }
            }
        } else if (value instanceof List<?> l) {
            for (Object o : l) {
                String inner = fieldHolding(o, secret);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    private Outcome<Identity> authenticate(Credentials c) {
        return call("authenticate(" + c + ")", env.timeouts().call(),
                "make authenticate return or fail within the timeout (bound every backend call)",
                () -> env.provider().authenticate(c));
    }

    private Outcome<Session> logIn(Credentials c) {
        return call("engine logIn(" + c + ")", env.timeouts().call(),
                "make authenticate return or fail within the timeout (bound every backend call)",
                () -> env.service().logIn(c));
    }

    /** Runs work on a contract thread, bounded by a timeout; a call that does not end in time fails the rule. */
    private <T> Outcome<T> call(String what, Duration timeout, String fix, Callable<T> work) {
        Future<T> future = calls.submit(work);
        try {
            return new Outcome<>(future.get(timeout.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError(violation(what + " did not end within " + timeout, "ContractTimeouts; " + SEE_BACKEND, fix));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(rule + " was interrupted", e);
        }
    }

    /** Starts threads at once (as far as a latch can), collects what they return, fails on any exception. */
    private <T> List<T> race(int threadCount, RacingWork<T> work, String what) throws InterruptedException {
        AtomicInteger names = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threadCount, daemon(() -> "contract-race-" + names.incrementAndGet()));
        try {
            CountDownLatch ready = new CountDownLatch(threadCount);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return work.run(thread);
                }));
            }
            ready.await(env.timeouts().concurrentRun().toMillis(), TimeUnit.MILLISECONDS);
            go.countDown();
            long deadline = System.nanoTime() + env.timeouts().concurrentRun().toNanos();
            List<T> results = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    failures.add(describe(e.getCause()));
                } catch (TimeoutException e) {
                    fail(violation(what + " did not finish within " + env.timeouts().concurrentRun(),
                            SEE_SPI + " (thread-safe after start)", "look for a deadlock or an unbounded wait in authenticate"));
                }
            }
            if (!failures.isEmpty()) {
                fail(violation(failures.size() + " of " + threadCount + " threads failed in " + what + ", e.g. " + failures.get(0),
                        SEE_SPI + " (thread-safe after start)",
                        "make authenticate thread-safe: no unsynchronized mutable fields, thread-safe collections,"
                                + " settings read once in start()"));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private Identity expectIdentity(String what, Outcome<Identity> outcome) {
        if (outcome.thrown() != null) {
            fail(violation(what + " failed: " + describe(outcome.thrown()), SEE_SPI,
                    "accept the credentials the test calls valid (or fix validCredentials/otherAccountCredentials and"
                            + " settings())"));
        }
        if (outcome.value() == null) {
            fail(violation(what + " returned null", SEE_SPI, "return the Identity the credentials prove, or throw AuthException"));
        }
        return outcome.value();
    }

    private Session expectSession(String what, Outcome<Session> outcome) {
        if (outcome.thrown() != null) {
            fail(violation(what + " failed: " + describe(outcome.thrown()), SEE_USERS,
                    "accept the credentials the test calls valid"));
        }
        return outcome.value();
    }

    private AuthException expectAuthException(String what, Outcome<?> outcome, Set<ErrorCode> codes, String see, String fix) {
        Throwable thrown = outcome.thrown();
        if (thrown == null) {
            Object value = outcome.value();
            String got = value instanceof Identity i ? "an identity (subject '" + i.subject() + "')"
                    : value instanceof Session s ? "a session of user " + s.user().id() : String.valueOf(value);
            fail(violation(what + " returned " + got + " instead of failing with " + codes, see, fix));
        }
        if (!(thrown instanceof AuthException e)) {
            fail(violation(what + " threw " + describe(thrown) + " instead of an AuthException with " + codes, see, fix));
            return null;
        }
        if (!codes.contains(e.code())) {
            fail(violation(what + " failed with " + e.code() + " instead of " + codes + ": " + describe(e), see, fix));
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            fail(violation(what + " failed with a blank message", see, "say what was wrong, without secrets"));
        }
        return e;
    }

    private AuthException expectStartFailure(Map<String, Object> badSettings, String what, String fix) {
        EngineHarness harness = engine(freshProvider(), badSettings);
        cleanup.add(harness);
        Outcome<EngineHarness> outcome = call("starting an engine with " + what, env.timeouts().call(),
                "fail fast in start()", harness::start);
        if (outcome.thrown() == null) {
            fail(violation("the engine started with " + what, SEE_SPI + " (start fails fast with CONFIGURATION)", fix));
        }
        return expectAuthException("starting an engine with " + what, outcome, EnumSet.of(ErrorCode.CONFIGURATION),
                SEE_SPI + " (ProviderContext.settings)", fix);
    }

    private FakeBackend requireBackend() {
        return env.backend().orElseGet(() -> Assumptions.abort(rule + " skipped: backend() is empty. A provider that calls"
                + " a remote service should supply its fake (a JsonEndpointBackend for HTTP/JSON APIs) and point settings()"
                + " at it."));
    }

    private void expectBackendFailure(Failure failure, Duration timeout, Set<ErrorCode> codes, String fix) {
        FakeBackend backend = requireBackend();
        Credentials a = valid();
        backend.failWith(failure);
        Outcome<Identity> outcome = call("authenticate(validCredentials()) with the backend failing as " + failure, timeout,
                fix, () -> env.provider().authenticate(a));
        expectAuthException("authenticate(validCredentials()) with the backend failing as " + failure, outcome, codes,
                SEE_BACKEND, fix);
    }

    private List<Finding> scanThrowable(String call, Throwable thrown) {
        List<Finding> findings = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> pending = new ArrayList<>(List.of(thrown));
        while (!pending.isEmpty() && seen.size() < 32) {
            Throwable t = pending.remove(0);
            if (!seen.add(t)) {
                continue;
            }
            String where = (t == thrown ? "" : "a cause of ") + t.getClass().getName() + " thrown by " + call;
            findings.addAll(SecretScan.find("the message of " + where, t.getMessage(), allSecrets()));
            findings.addAll(SecretScan.find("the localized message of " + where, t.getLocalizedMessage(), allSecrets()));
            findings.addAll(SecretScan.find("toString() of " + where, t.toString(), allSecrets()));
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            pending.addAll(List.of(t.getSuppressed()));
        }
        // One finding per secret and place is enough: message and toString usually repeat each other.
        Map<String, Finding> unique = new LinkedHashMap<>();
        for (Finding f : findings) {
            unique.putIfAbsent(f.secret() + "|" + f.where().replaceFirst("^(the message|the localized message|toString\\(\\)) of ", ""), f);
        }
        return new ArrayList<>(unique.values());
    }

    /** An exception, as a report may show it: type, code, message with secrets hidden, where it was thrown. */
    private String describe(Throwable t) {
        String head = t instanceof AuthException a ? "AuthException[" + a.code() + "]" : t.getClass().getName();
        String message = t.getMessage();
        if (message != null) {
            message = SecretScan.printable(SecretScan.redact(message, knownSecrets()));
            if (message.length() > 300) {
                message = message.substring(0, 300) + "...(" + t.getMessage().length() + " chars)";
            }
        }
        StackTraceElement[] trace = t.getStackTrace();
        String at = t instanceof AuthException || trace.length == 0 ? "" : " at " + trace[0];
        return head + (message == null ? "" : ": " + message) + at;
    }

    /** One line per place a secret was found (the first secret there, and how many more), at most ten places. */
    private static String joinFindings(List<Finding> findings) {
        Map<String, List<Finding>> byPlace = new LinkedHashMap<>();
        for (Finding f : findings) {
            byPlace.computeIfAbsent(f.where(), w -> new ArrayList<>()).add(f);
        }
        List<String> lines = new ArrayList<>();
        for (List<Finding> place : byPlace.values()) {
            if (lines.size() == 10) {
                lines.add("... and " + (byPlace.size() - 10) + " more places");
                break;
            }
            lines.add(place.get(0) + (place.size() > 1 ? " (and " + (place.size() - 1) + " more secrets there)" : ""));
        }
        return String.join("\n    - ", lines);
    }

    private static String subjectOf(Identity identity) {
        return identity == null ? "(null identity)" : identity.subject();
    }

    /** A value's shape, never its content: types, lengths, and what is odd about a string. */
    static String shape(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            List<String> odd = new ArrayList<>();
            if (s.isEmpty()) {
                odd.add("empty");
            } else if (s.isBlank()) {
                odd.add("blank");
            }
            if (s.indexOf('\u0000') >= 0) {
                odd.add("NUL");
            }
            if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
                odd.add("CR/LF");
            }
            if (s.chars().anyMatch(c -> c > 0x7e)) {
                odd.add("non-ASCII");
            }
            return "string(" + s.length() + " chars" + (odd.isEmpty() ? "" : ", " + String.join(", ", odd)) + ")";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof List<?> l) {
            return "list(" + l.size() + ")";
        }
        if (value instanceof Map<?, ?> m) {
            int depth = depth(m);
            if (depth > 2) {
                return "map nested " + depth + " deep";
            }
            List<String> fields = new ArrayList<>();
            m.forEach((k, v) -> fields.add(fieldName(String.valueOf(k)) + ": " + shape(v)));
            return "{" + String.join(", ", fields) + "}";
        }
        return value.getClass().getSimpleName();
    }

    /** A field name as the report may show it: printable ASCII, at most 40 characters; hostile names are input too. */
    private static String fieldName(String name) {
        return Printable.cut(name, 40) + (name.length() > 40 ? "(" + name.length() + " chars)" : "");
    }

    private static int depth(Object value) {
        if (value instanceof Map<?, ?> m) {
            int inner = 0;
            for (Object v : m.values()) {
                inner = Math.max(inner, depth(v));
            }
            return 1 + inner;
        }
        if (value instanceof List<?> l) {
            int inner = 0;
            for (Object v : l) {
                inner = Math.max(inner, depth(v));
            }
            return 1 + inner;
        }
        return 0;
    }

    private String violation(String what, String see, String fix) {
        return rule + " is broken: " + what + "\n  See " + see + ".\n  Fix: " + fix + ".";
    }

    private String setupProblem(String what, String fix) {
        return rule + " cannot run: the provider's contract test is set up wrongly: " + what + ".\n  Fix: " + fix + ".";
    }

    private static ThreadFactory daemon(java.util.function.Supplier<String> names) {
        return r -> {
            Thread t = new Thread(r, names.get());
            t.setDaemon(true);
            return t;
        };
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : CredentialProviderContract.class.getClassLoader();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing after a rule must not hide the rule's own result.
        }
    }
}
