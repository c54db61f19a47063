package dev.latchkey.benchmarks;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.Session;
import dev.latchkey.api.VerifiedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.store.InMemoryStore;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #10, first part of the harness: engine operations beside the cryptography they cannot avoid
 * (the physical floor), measured in the same JMH run on one in-memory engine. Pairs:
 * <ul>
 *   <li>{@code verify} ({@link AuthService#verify}) against {@code rawRs256Verify}: the JCA
 *   SHA256withRSA check of the same token's signature over {@code header.payload}, with the public key
 *   the engine publishes in {@link AuthService#jwks()} (the engine's cache of verified tokens off, so
 *   every check is fresh);</li>
 *   <li>{@code verifyRemembered}: the same token through an engine that has verified it before (its
 *   cache on, the default), against {@code verify} (issue #10: at least 20 times faster);</li>
 *   <li>{@code refresh} ({@link AuthService#refresh}, one access token signed) against
 *   {@code rawRs256Sign}: a SHA256withRSA signature of a signing input of the same length, with a key
 *   of the engine's modulus size;</li>
 *   <li>{@code passwordLogIn} ({@code local-userpass}, auto-confirm, the provider's default Argon2id
 *   cost) against {@code argon2idHashAlone}: Argon2id by the implementation the provider is pinned to
 *   ({@link Argon2Baseline#IMPLEMENTATION}: libargon2 where it loads, else Bouncy Castle) with the provider's exact
 *   parameters (v1.3, m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte hash, built per call as
 *   {@code PasswordHasher} does);</li>
 *   <li>{@code apiKeyLogIn} and {@code anonymousLogIn}, each compared with {@code rawRs256Sign}
 *   (a log-in signs one access token).</li>
 * </ul>
 * The raw baselines are the strictest floor: the key, the signing input and the signature bytes are
 * prepared once, and one {@link Signature} object per thread is reused; the engine does its work
 * (parsing, base64url, claims, store) on top of that. {@link FloorRun} runs this class and writes the table.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 5, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class CryptoFloor {
    static final String EMAIL = "floor-user@example.com";
    static final String PASSWORD = "correct horse battery staple 42";
    /** The provider's default cost (provider-email {@code Argon2Parameters.OWASP}) and output, see {@code PasswordHasher}. */
    static final int MEMORY_KIB = Argon2Baseline.DEFAULT_MEMORY_KIB;
    static final int ITERATIONS = Argon2Baseline.ITERATIONS;
    static final int PARALLELISM = Argon2Baseline.PARALLELISM;
    static final int SALT_BYTES = Argon2Baseline.SALT_BYTES;
    static final int HASH_BYTES = Argon2Baseline.HASH_BYTES;

    /** The engine measured; its cache of verified tokens is off, so every {@link #verify} is a fresh check. */
    private AuthService service;
    /** A second engine on the same store with the default cache: {@link #verifyRemembered} hits it. */
    private AuthService remembering;
    private String accessToken;
    private String refreshToken;
    private Credentials password;
    private Credentials apiKey;
    private byte[] salt;

    /** The token's {@code header.payload}, its signature and the engine's public key, for the raw check. */
    private byte[] signingInput;
    private byte[] signature;
    private RSAPublicKey engineKey;
    /** A key pair of the engine's modulus size: the engine does not expose its private key. */
    private KeyPair signingKey;
    /** The engine's modulus size in bits, read from the JWKS. */
    private int modulusBits;

    /**
     * Builds the engine with the three providers, opens a session, creates an API key and an
     * account, and checks that the raw RS256 check accepts the engine's token (so both sides check
     * the same thing).
     *
     * @throws GeneralSecurityException never, with a JDK that has RSA
     */
    @Setup
    public void setUp() throws GeneralSecurityException {
        Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        String providers = "{\"providers\":{\"anon-user\":{\"enabled\":true},\"api-key\":{\"enabled\":true},"
                + "\"local-userpass\":{\"enabled\":true,\"autoConfirm\":true,\"passwordHashing\":{\"implementation\":\""
                + Argon2Baseline.IMPLEMENTATION + "\"}}},\"throttle\":{\"enabled\":false}";
        InMemoryStore store = new InMemoryStore();
        service = Latchkey.service("floor").store(store).config(providers + ",\"tokens\":{\"verifiedCacheSize\":0}}").build();
        remembering = Latchkey.service("floor").store(store).config(providers + "}").build();

        Session session = service.logIn(Credentials.anonymous(false));
        accessToken = session.accessToken();
        refreshToken = session.refreshToken();
        service.emailPassword().registerUser(EMAIL, PASSWORD);
        password = Credentials.emailPassword(EMAIL, PASSWORD);
        // A user API key of the email/password account (anonymous users cannot have API keys).
        String accountId = service.logIn(password).user().id();
        apiKey = Credentials.apiKey(service.apiKeys(accountId).create("floor").value());
        salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);

        int lastDot = accessToken.lastIndexOf('.');
        signingInput = accessToken.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
        signature = Base64.getUrlDecoder().decode(accessToken.substring(lastDot + 1));
        String kid = JsonParser.parseString(new String(Base64.getUrlDecoder().decode(
                accessToken.substring(0, accessToken.indexOf('.'))), StandardCharsets.UTF_8)).getAsJsonObject().get("kid").getAsString();
        engineKey = publicKey(service.jwks(), kid);
        modulusBits = engineKey.getModulus().bitLength();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(modulusBits);
        signingKey = generator.generateKeyPair();

        // Every operation once, so a misconfigured engine fails here rather than being timed.
        if (!rawCheckOnce()) {
            throw new IllegalStateException("the raw RS256 check rejects the engine's token");
        }
        verify();
        if (!verifyRemembered().equals(verify())) {
            throw new IllegalStateException("the remembered token differs from the fresh check");
        }
        refresh();
        apiKeyLogIn();
        anonymousLogIn();
        passwordLogIn();
        if (argon2idHashAlone().length != HASH_BYTES) {
            throw new IllegalStateException("Argon2id gave a hash of the wrong length");
        }
    }

    static RSAPublicKey publicKey(String jwks, String kid) throws GeneralSecurityException {
        for (JsonElement element : JsonParser.parseString(jwks).getAsJsonObject().getAsJsonArray("keys")) {
            JsonObject key = element.getAsJsonObject();
            if (kid.equals(key.get("kid").getAsString())) {
                BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n").getAsString()));
                BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(key.get("e").getAsString()));
                return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
            }
        }
        throw new IllegalStateException("the token's key is not in the JWKS");
    }

    /** Closes the engine. */
    @TearDown
    public void tearDown() {
        remembering.close();
        service.close();
    }

    /** One initialised {@link Signature} per thread for the raw check, reused as the strictest floor. */
    @State(Scope.Thread)
    public static class Verifier {
        Signature verifier;
        Signature signer;

        /**
         * @param floor the benchmark's keys
         * @throws GeneralSecurityException never, with a JDK that has RSA
         */
        @Setup
        public void setUp(CryptoFloor floor) throws GeneralSecurityException {
            verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(floor.engineKey);
            signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(floor.signingKey.getPrivate());
        }
    }

    private boolean rawCheckOnce() throws GeneralSecurityException {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(engineKey);
        s.update(signingInput);
        return s.verify(signature);
    }

    /**
     * Access-token verification through the engine.
     *
     * @return the verified token
     */
    @Benchmark
    public VerifiedToken verify() {
        return service.verify(accessToken);
    }

    /**
     * Verification of a token the engine has verified before: from its cache of verified tokens
     * (the token's SHA-256, a map look-up, the expiry and key checks; the session re-read from the
     * store on every call, as {@code tokens.sessionRecheck} is 0 by default).
     *
     * @return the verified token
     */
    @Benchmark
    public VerifiedToken verifyRemembered() {
        return remembering.verify(accessToken);
    }

    /**
     * The physical floor of {@link #verify}: the RS256 signature check of the same token.
     *
     * @param v the thread's verifier
     * @return whether the signature is valid (always true)
     * @throws GeneralSecurityException never
     */
    @Benchmark
    public boolean rawRs256Verify(Verifier v) throws GeneralSecurityException {
        v.verifier.update(signingInput);
        return v.verifier.verify(signature);
    }

    /**
     * A refresh: one access token signed for an open session.
     *
     * @return the session with its new access token
     */
    @Benchmark
    public Session refresh() {
        return service.refresh(refreshToken);
    }

    /**
     * The physical floor of issuing a token: one RS256 signature of a signing input as long as the
     * engine's, with a key of the engine's size.
     *
     * @param v the thread's signer
     * @return the signature
     * @throws GeneralSecurityException never
     */
    @Benchmark
    public byte[] rawRs256Sign(Verifier v) throws GeneralSecurityException {
        v.signer.update(signingInput);
        return v.signer.sign();
    }

    /**
     * An email/password log-in of a confirmed account with the right password.
     *
     * @return the session
     */
    @Benchmark
    public Session passwordLogIn() {
        return service.logIn(password);
    }

    /**
     * Argon2id alone, exactly as the provider computes a hash to check a password.
     *
     * @return the hash
     */
    @Benchmark
    public byte[] argon2idHashAlone() {
        return Argon2Baseline.hash(PASSWORD, salt, MEMORY_KIB);
    }

    /**
     * A log-in with a user API key.
     *
     * @return the session
     */
    @Benchmark
    public Session apiKeyLogIn() {
        return service.logIn(apiKey);
    }

    /**
     * An anonymous log-in that creates a new user each time (no reuse).
     *
     * @return the session
     */
    @Benchmark
    public Session anonymousLogIn() {
        return service.logIn(Credentials.anonymous(false));
    }
}
