package dev.latchkey.provider.custom;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * PEM public keys ({@code -----BEGIN PUBLIC KEY-----}, an X.509 SubjectPublicKeyInfo) read with the
 * JDK's key factories, each with the one algorithm its type allows: RSA of 2048+ bits → RS256,
 * EC P-256 → ES256, Ed25519 → EdDSA. Anything else is refused with a message naming the setting.
 */
final class PemPublicKeys {
    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32-byte key follows it. */
    private static final byte[] ED25519_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final int MAX_PEM_LENGTH = 16_384;

    /**
     * A configured key and the only algorithm it verifies.
     *
     * @param algorithm the algorithm the key implies
     * @param verifier Nimbus's verifier for it
     */
    record VerificationKey(JWSAlgorithm algorithm, JWSVerifier verifier) {
    }

    private PemPublicKeys() {
    }

    /**
     * An RSA public key fit to check signatures: 2048-8192 bits (smaller is breakable, larger makes
     * each check a denial of service), and an odd public exponent from 3 to 2^32 ({@code e = 1} would
     * make every signature forgeable).
     *
     * @param modulus n
     * @param exponent e
     * @return true when fit
     */
    static boolean saneRsa(BigInteger modulus, BigInteger exponent) {
        int bits = modulus.bitLength();
        return bits >= 2048 && bits <= 8192 && exponent.testBit(0) && exponent.compareTo(BigInteger.valueOf(3)) >= 0
                && exponent.bitLength() <= 32;
    }

    static VerificationKey parse(String pem, String setting) {
        if (pem == null || pem.length() > MAX_PEM_LENGTH) {
            throw new IllegalArgumentException(setting + " must be a PEM public key (" + BEGIN + ")");
        }
        String text = pem.strip();
        if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
            throw new IllegalArgumentException(setting + " must be a PEM public key: " + BEGIN + " ... " + END);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(BEGIN.length(), text.length() - END.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": the PEM body is not base64");
        }
        try {
            if (der.length == ED25519_PREFIX.length + 32 && Arrays.equals(der, 0, ED25519_PREFIX.length, ED25519_PREFIX, 0,
                    ED25519_PREFIX.length)) {
                KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
                byte[] raw = Arrays.copyOfRange(der, ED25519_PREFIX.length, der.length);
                OctetKeyPair okp = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).build();
                return new VerificationKey(JWSAlgorithm.EdDSA, new Ed25519Verifier(okp));
            }
            PublicKey key = tryFactory("RSA", der);
            if (key instanceof RSAPublicKey rsa) {
                if (!saneRsa(rsa.getModulus(), rsa.getPublicExponent())) {
                    throw new IllegalArgumentException(setting + ": an RSA key has 2048-8192 bits and an odd public"
                            + " exponent from 3 to 2^32");
                }
                return new VerificationKey(JWSAlgorithm.RS256, new RSASSAVerifier(rsa));
            }
            key = tryFactory("EC", der);
            if (key instanceof ECPublicKey ec) {
                if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
                    throw new IllegalArgumentException(setting + ": an EC key must be on the P-256 curve (ES256)");
                }
                return new VerificationKey(JWSAlgorithm.ES256, new ECDSAVerifier(ec));
            }
        } catch (JOSEException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + ": the key cannot be used (" + e.getClass().getSimpleName() + ")");
        }
        throw new IllegalArgumentException(setting + ": not an RSA, EC P-256 or Ed25519 public key");
    }

    private static PublicKey tryFactory(String algorithm, byte[] der) throws java.security.NoSuchAlgorithmException {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (java.security.spec.InvalidKeySpecException e) {
            return null;
        }
    }
}
