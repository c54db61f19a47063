package dev.latchkey.provider.email;

import com.sun.jna.NativeLibrary;
import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Argon2id from the reference C implementation, the system's libargon2 (Debian: {@code libargon2-1}),
 * called through argon2-jvm's JNA binding. It costs about 1.3-1.45x less CPU per hash than Bouncy
 * Castle here (benchmarks/README.md, "Argon2id implementations (issue #10)").
 *
 * <p>The only class that names JNA or argon2-jvm: {@link #load} is called once, and when the jars or the
 * library are missing, it is the only thing that fails. What the native side does per call:
 * <ul>
 *   <li>it allocates the m KiB with malloc, outside the Java heap, and frees (and wipes) it before
 *   returning, so the process holds up to {@code PasswordHasher.CONCURRENT_HASHES} × m KiB more than
 *   {@code -Xmx} while that many hashes run;</li>
 *   <li>it runs on the calling thread and cannot be interrupted, and needs no timeout: its work is fixed
 *   by the parameters, which {@code PasswordHasher} bounds (a stored hash above the ceiling is never
 *   computed), so a call ends as surely as Bouncy Castle's;</li>
 *   <li>the binding copies the password into native memory and clears that copy after the call; the
 *   caller clears its {@code byte[]}.</li>
 * </ul>
 */
final class LibArgon2 implements Argon2Engine {
    /** RFC 9106 §5.3, Argon2id: the tag for password 32 × 0x01, salt 16 × 0x02, secret 8 × 0x03, data 12 × 0x04, m=32, t=3, p=4. */
    static final String RFC9106_TAG = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659";

    private final Argon2Advanced argon2;
    private final String library;
    /** For the empty password only: argon2-jvm cannot hand a zero-length buffer to the C library. */
    private final BouncyCastleArgon2 empty = new BouncyCastleArgon2();

    private LibArgon2(Argon2Advanced argon2, String library) {
        this.argon2 = argon2;
        this.library = library;
    }

    /** What loading found: the engine, or why there is none. */
    record Loaded(LibArgon2 engine, String whyNot) {
    }

    /**
     * Loads libargon2 and checks it against RFC 9106's Argon2id test vector, so that a library that
     * computes something else (another version, a broken build) is never used.
     *
     * @return the engine, or the reason it cannot be used (no password or secret in it)
     */
    static Loaded load() {
        try {
            LibArgon2 engine = new LibArgon2(Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id), null);
            byte[] tag = engine.argon2id(filled(32, 0x01), filled(16, 0x02), filled(8, 0x03), filled(12, 0x04),
                    new Argon2Parameters(32, 3, 4), 32);
            if (!RFC9106_TAG.equals(HexFormat.of().formatHex(tag))) {
                return new Loaded(null, "libargon2 loaded but does not compute RFC 9106's Argon2id test vector");
            }
            return new Loaded(new LibArgon2(engine.argon2, NativeLibrary.getInstance("argon2").getFile().getPath()), null);
        } catch (LinkageError | RuntimeException e) {
            // UnsatisfiedLinkError (no libargon2 on the library path), NoClassDefFoundError (JNA or argon2-jvm
            // left out of the class path), or the binding's own failure: each says what is missing.
            String message = String.valueOf(e.getMessage());
            int newline = message.indexOf('\n');
            return new Loaded(null, e.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline)));
        }
    }

    @Override
    public byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, Argon2Parameters p, int length) {
        if (password.length == 0) {
            // Same function, same bytes; an empty password can reach a check (a log-in with an empty field).
            return empty.argon2id(password, salt, secret, associatedData, p, length);
        }
        try {
            return argon2.rawHashAdvanced(p.iterations(), p.memoryKib(), p.parallelism(), password, salt,
                    secret == null || secret.length == 0 ? null : secret,
                    associatedData == null || associatedData.length == 0 ? null : associatedData, length, Argon2Version.V13);
        } catch (IllegalStateException e) {
            // The binding turns the C library's error code into "<argon2_error_message> (<code>)", for example
            // "Memory allocation error (-22)": a fixed text, never an input.
            throw new AuthException(ErrorCode.INTERNAL, "libargon2 could not compute the Argon2id hash: " + e.getMessage());
        }
    }

    @Override
    public String description() {
        return "libargon2 (native, " + library + ")";
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
