package dev.latchkey.benchmarks.http;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The RS256 signing bound, measured in this JVM: JCA {@code SHA256withRSA} signatures with a 2048-bit key
 * (the size of auth-server's and Keycloak's realm keys) over a token-sized signing input, per CPU-second of
 * the signing thread (ThreadMXBean), in windows. Counting the thread's CPU time, not the wall clock, makes
 * the figure comparable with requests per server CPU-second while other processes share the cores.
 */
final class SigningBound {
    private final Signature signature;
    private final byte[] input;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<Double> windows = new ArrayList<>();

    SigningBound() throws GeneralSecurityException {
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey key = generator.generateKeyPair().getPrivate();
        signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        // An access token's signing input: base64url(header) "." base64url(claims), about 350 bytes.
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"0f1e2d3c4b5a69788796a5b4c3d2e1f0\"}";
        String claims = "{\"iss\":\"http://127.0.0.1:8080/api/client/v2.0/app/latchkey\",\"sub\":\"6750a1f2c3d4e5f60718293a\","
                + "\"aud\":\"latchkey\",\"exp\":1790000000,\"iat\":1789998200,\"sid\":\"6750a1f2c3d4e5f60718293b\","
                + "\"device_id\":\"000000000000000000000000\",\"typ\":\"access\",\"jti\":\"3f2a1b0c9d8e7f6a5b4c3d2e\"}";
        input = (b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
    }

    int inputBytes() {
        return input.length;
    }

    /** Signs without measuring, so that the measured windows run compiled code. */
    void warmUp(Duration d) throws GeneralSecurityException {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() - end < 0) {
            signature.update(input);
            signature.sign();
        }
    }

    /** Measures {@code count} windows of about {@code window} of thread CPU time each, and keeps them. */
    List<Double> measure(int count, Duration window) throws GeneralSecurityException {
        List<Double> these = new ArrayList<>();
        for (int w = 0; w < count; w++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long signed = 0;
            long cpu;
            // Check the clock every 8 signatures (about 8 ms): reading it costs far less than that.
            do {
                for (int i = 0; i < 8; i++) {
                    signature.update(input);
                    signature.sign();
                }
                signed += 8;
                cpu = threads.getCurrentThreadCpuTime() - cpu0;
            } while (cpu < window.toNanos());
            these.add(signed / (cpu / 1e9));
        }
        windows.addAll(these);
        return these;
    }

    /** Every window measured so far, signatures per CPU-second. */
    List<Double> windows() {
        return List.copyOf(windows);
    }
}
