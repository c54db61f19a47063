package dev.latchkey.provider.email;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, base64 without padding), computed by an
 * {@link Argon2Engine} (libargon2 or Bouncy Castle: the same bytes, so each verifies the other's hashes). Verification compares in constant time; a hash made with other parameters than
 * the current ones is reported so the caller can re-hash after a successful log-in; and
 * {@link #burn} spends the same time on an unknown account as a real check would, so the answer's
 * timing does not tell whether an email is registered.
 *
 * <p>Two guards against denial of service: a stored hash whose cost is above a ceiling (the
 * configured cost, or 64 MiB / 4 passes / 4 lanes when that is higher) is not computed at all but
 * treated as unreadable, so a tampered record cannot make one log-in take a gigabyte and minutes;
 * and at most {@link #CONCURRENT_HASHES} hashes run at once, the others wait, so a flood of
 * requests queues instead of multiplying 19 MiB per request until memory runs out. That bound also
 * holds the native memory libargon2 allocates outside the Java heap: at most {@link #CONCURRENT_HASHES}
 * × m KiB at once.
 */
final class PasswordHasher {
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    /** Hashes computed at once: one per core keeps the cores busy; more would only add memory. */
    static final int CONCURRENT_HASHES = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final Argon2Engine engine;
    private final Argon2Parameters parameters;
    /** The most a stored hash may cost before it is refused unread. */
    private final Argon2Parameters ceiling;
    private final Semaphore running = new Semaphore(CONCURRENT_HASHES, true);
    private final AtomicLong computed = new AtomicLong();
    private final SecureRandom random;
    /** A hash of nothing anybody knows, made with the current parameters, for {@link #burn}. */
    private final String dummy;

    PasswordHasher(Argon2Engine engine, Argon2Parameters parameters, SecureRandom random) {
        this.engine = engine;
        this.parameters = parameters;
        this.ceiling = new Argon2Parameters(Math.max(parameters.memoryKib(), 64 * 1024), Math.max(parameters.iterations(), 4),
                Math.max(parameters.parallelism(), 4));
        this.random = random;
        byte[] unguessable = new byte[32];
        random.nextBytes(unguessable);
        this.dummy = hash(ENCODER.encodeToString(unguessable));
    }

    /**
     * Hashes a password with a new random salt and the current parameters.
     *
     * @param password the password, already checked against the policy
     * @return the PHC string
     */
    String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = compute(password, salt, parameters, HASH_BYTES);
        return "$argon2id$v=19$m=" + parameters.memoryKib() + ",t=" + parameters.iterations() + ",p=" + parameters.parallelism()
                + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    /**
     * Checks a password against a stored hash.
     *
     * @param password the password given
     * @param stored the PHC string kept for the account
     * @return what the check found
     */
    Verdict verify(String password, String stored) {
        Optional<Parsed> parsed = parse(stored).filter(p -> withinCeiling(p.parameters()));
        if (parsed.isEmpty()) {
            burn(password);
            return Verdict.UNREADABLE_HASH;
        }
        Parsed p = parsed.get();
        byte[] actual = compute(password, p.salt(), p.parameters(), p.hash().length);
        if (!MessageDigest.isEqual(actual, p.hash())) {
            return Verdict.WRONG;
        }
        return p.parameters().equals(parameters) && p.hash().length == HASH_BYTES ? Verdict.RIGHT : Verdict.RIGHT_BUT_OUTDATED;
    }

    /**
     * Spends the time of a real check, for an account that does not exist.
     *
     * @param password the password given
     */
    void burn(String password) {
        verify(password, dummy);
    }

    /**
     * How many Argon2id computations this hasher has run, for tests that prove the dummy check happens.
     *
     * @return the count
     */
    long computations() {
        return computed.get();
    }

    /**
     * Whether the configured cost is below OWASP's recommendations (m=19 MiB with t=2, or an
     * equivalent trade of memory for passes, down to m=7 MiB with t=5).
     *
     * @return true when weaker
     */
    boolean belowOwasp() {
        return (long) parameters.memoryKib() * parameters.iterations() < 7_168L * 5 || parameters.memoryKib() < 7_168;
    }

    private boolean withinCeiling(Argon2Parameters p) {
        return p.memoryKib() <= ceiling.memoryKib() && p.iterations() <= ceiling.iterations() && p.parallelism() <= ceiling.parallelism();
    }

    private byte[] compute(String password, byte[] salt, Argon2Parameters p, int length) {
        running.acquireUninterruptibly();
        try {
            computed.incrementAndGet();
            return argon2(password, salt, p, length);
        } finally {
            running.release();
        }
    }

    /** What a check found. */
    enum Verdict {
        /** The password matches and the hash uses the current parameters. */
        RIGHT,
        /** The password matches, but the hash should be made again with the current parameters. */
        RIGHT_BUT_OUTDATED,
        /** The password does not match. */
        WRONG,
        /** The stored text is not an Argon2id hash this code can check; no password matches it. */
        UNREADABLE_HASH
    }

    private record Parsed(Argon2Parameters parameters, byte[] salt, byte[] hash) {
    }

    /** Strict: anything but a well-formed Argon2id v1.3 hash within the parameter bounds is unreadable. */
    static Optional<Parsed> parse(String stored) {
        if (stored == null) {
            return Optional.empty();
        }
        Matcher m = PHC.matcher(stored);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Argon2Parameters p = new Argon2Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
            byte[] salt = DECODER.decode(m.group(4));
            byte[] hash = DECODER.decode(m.group(5));
            if (salt.length < 8 || hash.length < 16) {
                return Optional.empty();
            }
            return Optional.of(new Parsed(p, salt, hash));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] argon2(String password, byte[] salt, Argon2Parameters p, int length) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        try {
            return engine.argon2id(bytes, salt, null, null, p, length);
        } finally {
            Arrays.fill(bytes, (byte) 0);   // our copy of the password: do not leave it in the heap longer than needed
        }
    }
}
