package dev.latchkey.testkit.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret the tests of this JVM have used, for the build-wide secret scan
 * ({@link SecretScanExtension}): what is registered here must never appear in a log record,
 * on {@code System.out}/{@code System.err} or in an exception a test throws, in any test that runs
 * afterwards or at the same time.
 *
 * <p>The testkit's fakes and helpers register what they mint or are given (tokens, passwords,
 * API keys, client secrets, mailed links' tokens); a test registers any other secret it uses with
 * {@link #register(String, String)}. A {@linkplain #WELL_KNOWN handful of literal test passwords}
 * is always registered. Values shorter than {@value #MIN_LENGTH} characters are not registered:
 * they would match ordinary text (ports, counts, words) and make the scan cry wolf.
 *
 * <p>This is process-wide state, on purpose and against the project's habit: the fakes that mint
 * secrets cannot see the test that uses them, and a secret minted in one test and logged in the
 * next is still a leak. It only ever grows, only holds test data, and is thread-safe.
 */
public final class TestSecrets {
    /** The shortest value that is registered. */
    public static final int MIN_LENGTH = 8;

    /**
     * Literal secrets that tests across the build use (found by reading the tests): always scanned
     * for, so a test that never registers its password is still covered when it uses one of these.
     */
    public static final List<String> WELL_KNOWN = List.of(
            "correct horse battery staple",
            "correct horse battery",
            "correct-horse-battery-staple-1",
            "Tr0ub4dor&3-of-bob",
            "a long enough secret",
            "a much better password",
            "yet another password",
            "the attacker's password",
            "the final secret password",
            "s3cret-pass",
            "MySekritPwd",
            "smtp-Pa55word-9f8e7d",
            "pa55-W0rd-never-shown",
            "s3cr3t-app-secret-value",
            "SECRET-user-token-4711",
            "GOCSPX-contract-client-secret",
            "GOCSPX-unit-test-client-secret-value",
            "provider-secret-code-0123456789",
            "fake-function-secret-0123456789abcdef",
            "hs256-secret-0123456789-abcdefghijklmnop",
            "contract-secret-0123456789-abcdefghijklmnop",
            "s3cr3t-webhook-key-0123456789abcdef-XYZ");

    /** value to label; the first label a value was registered with wins. */
    private static final Map<String, String> SECRETS = new ConcurrentHashMap<>();

    static {
        for (String s : WELL_KNOWN) {
            SECRETS.put(s, "a well-known test secret (" + s.length() + " chars)");
        }
    }

    private TestSecrets() {
    }

    /**
     * Registers a secret for the build-wide scan. Null, empty and short values are ignored.
     *
     * @param what what it is, for the report, e.g. {@code "an access token minted by FakeGoogle"}; never the value
     * @param value the secret
     * @return {@code value}, so that a fake can register what it returns in one expression
     */
    public static String register(String what, String value) {
        if (value != null && value.length() >= MIN_LENGTH) {
            SECRETS.putIfAbsent(value, what + " (" + value.length() + " chars)");
        }
        return value;
    }

    /**
     * Whether a value is registered.
     *
     * @param value the value
     * @return true if the scan looks for it
     */
    public static boolean isRegistered(String value) {
        return value != null && SECRETS.containsKey(value);
    }

    /**
     * How many secrets are registered, so the scan can tell when to rebuild its index.
     *
     * @return the count
     */
    static int size() {
        return SECRETS.size();
    }

    /**
     * Every registered secret, labelled.
     *
     * @return a copy
     */
    public static List<SecretScan.Secret> all() {
        List<SecretScan.Secret> all = new ArrayList<>(SECRETS.size());
        SECRETS.forEach((value, label) -> all.add(new SecretScan.Secret(label, value)));
        return all;
    }
}
