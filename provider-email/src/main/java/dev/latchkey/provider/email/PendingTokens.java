package dev.latchkey.provider.email;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.spi.ProviderStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Confirmation and reset tokens (SECURITY.md 24, 29): 256 random bits from {@link SecureRandom},
 * handed out once with a public token id, kept only as a SHA-256 hash in the provider's store,
 * valid for 30 minutes, and used at most once — redeeming deletes the record in the same
 * transaction that checks it, so two racing redemptions cannot both succeed.
 */
final class PendingTokens {
    /** How long a token is valid, as App Services. */
    static final Duration LIFETIME = Duration.ofMinutes(30);
    private static final String KEY_PREFIX = "token:";
    private static final Pattern TOKEN_ID = Pattern.compile("[0-9a-f]{32}");

    private final ProviderStore store;
    private final Clock clock;
    private final SecureRandom random;

    PendingTokens(ProviderStore store, Clock clock, SecureRandom random) {
        this.store = store;
        this.clock = clock;
        this.random = random;
    }

    /** What a token is for: one kind can never be redeemed as the other. */
    enum Purpose {
        CONFIRM,
        RESET
    }

    /**
     * A token as it goes into a link; never stored.
     *
     * @param token the secret part
     * @param tokenId the public part, which names the record
     */
    record Issued(String token, String tokenId) {
        /** Hides the secret. */
        @Override
        public String toString() {
            return "Issued[tokenId=" + tokenId + "]";
        }
    }

    /**
     * Makes a token for an account.
     *
     * @param purpose what it is for
     * @param email the account
     * @return the token and its id
     */
    Issued issue(Purpose purpose, String email) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        byte[] id = new byte[16];
        random.nextBytes(id);
        Issued issued = new Issued(Base64.getUrlEncoder().withoutPadding().encodeToString(secret), HexFormat.of().formatHex(id));
        JsonObject record = new JsonObject();
        record.addProperty("purpose", purpose.name());
        record.addProperty("email", email);
        record.addProperty("hash", sha256(issued.token()));
        record.addProperty("expiresAt", clock.instant().plus(LIFETIME).toString());
        if (!store.compareAndSet(KEY_PREFIX + issued.tokenId(), 0, record.toString(), null)) {
            // 128 random bits collided: not going to happen, but never overwrite another's token.
            throw new AuthException(ErrorCode.INTERNAL, "a token id was issued twice");
        }
        return issued;
    }

    /**
     * Uses a token up.
     *
     * @param purpose what it must be for
     * @param token the secret part from the link
     * @param tokenId the id from the link
     * @return the account it was issued for
     * @throws AuthException {@link ErrorCode#USERPASS_TOKEN_INVALID} when it is unknown, used,
     *     expired, for another purpose, or does not match; the message does not say which
     */
    String redeem(Purpose purpose, String token, String tokenId) {
        if (token == null || tokenId == null || !TOKEN_ID.matcher(tokenId).matches() || token.length() > 100) {
            throw invalid();
        }
        Optional<String> email = store.transaction(tx -> {
            Optional<ProviderStore.Document> found = tx.get(KEY_PREFIX + tokenId);
            if (found.isEmpty()) {
                return Optional.<String>empty();
            }
            JsonObject record = JsonParser.parseString(found.get().json()).getAsJsonObject();
            boolean expired = !clock.instant().isBefore(Instant.parse(record.get("expiresAt").getAsString()));
            if (expired) {
                tx.delete(found.get().key());
                return Optional.<String>empty();
            }
            boolean matches = MessageDigest.isEqual(sha256(token).getBytes(StandardCharsets.US_ASCII),
                    record.get("hash").getAsString().getBytes(StandardCharsets.US_ASCII));
            if (!matches || !purpose.name().equals(record.get("purpose").getAsString())) {
                return Optional.<String>empty();
            }
            tx.delete(found.get().key());
            return Optional.of(record.get("email").getAsString());
        });
        return email.orElseThrow(PendingTokens::invalid);
    }

    private static AuthException invalid() {
        return new AuthException(ErrorCode.USERPASS_TOKEN_INVALID, "invalid or expired token: ask for a new email");
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
