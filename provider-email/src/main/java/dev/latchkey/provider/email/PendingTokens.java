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
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Confirmation and reset tokens (SECURITY.md 24, 29): 256 random bits from {@link SecureRandom},
 * handed out once with a public token id, kept only as a SHA-256 hash in the provider's store,
 * valid for 30 minutes, and used at most once. Redeeming checks and changes the record in the
 * same transaction, so two racing redemptions cannot both succeed.
 *
 * <p>An address has at most one live token per purpose: issuing a new one deletes the older
 * (found through the index {@code <purpose>:<address>}), so a resent link replaces the last one
 * and the records stay bounded by the number of accounts. A used confirmation token is kept,
 * marked used, until it expires, so that confirming twice can answer "already confirmed"
 * instead of "invalid token"; a used reset token is deleted at once.
 */
final class PendingTokens {
    /** How long a token is valid, as App Services. */
    static final Duration LIFETIME = Duration.ofMinutes(30);
    private static final String KEY_PREFIX = "token:";
    private static final Pattern TOKEN_ID = Pattern.compile("[0-9a-f]{32}");
    /** A base64url token of 256 bits is 43 characters; anything much longer is not ours. */
    private static final int MAX_TOKEN_LENGTH = 100;

    private final Clock clock;
    private final SecureRandom random;

    PendingTokens(Clock clock, SecureRandom random) {
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
     * A token that matched.
     *
     * @param email the account it was issued for
     * @param firstUse false when it had been used before (only confirmation tokens are kept after use)
     */
    record Redeemed(String email, boolean firstUse) {
    }

    /**
     * Makes a token for an address, replacing the address's older token of the same purpose.
     *
     * @param tx the transaction to write in
     * @param purpose what it is for
     * @param email the account
     * @return the token and its id
     */
    Issued issue(ProviderStore.Transaction tx, Purpose purpose, String email) {
        String index = index(purpose, email);
        for (ProviderStore.Document older : tx.findByIndex(index)) {
            tx.delete(older.key());
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        byte[] id = new byte[16];
        random.nextBytes(id);
        Issued issued = new Issued(Base64.getUrlEncoder().withoutPadding().encodeToString(secret), HexFormat.of().formatHex(id));
        if (tx.get(KEY_PREFIX + issued.tokenId()).isPresent()) {
            // 128 random bits collided: not going to happen, but never overwrite another's token.
            throw new AuthException(ErrorCode.INTERNAL, "a token id was issued twice");
        }
        JsonObject record = new JsonObject();
        record.addProperty("purpose", purpose.name());
        record.addProperty("email", email);
        record.addProperty("hash", sha256(issued.token()));
        record.addProperty("expiresAt", clock.instant().plus(LIFETIME).toString());
        record.addProperty("used", false);
        tx.put(KEY_PREFIX + issued.tokenId(), record.toString(), index);
        return issued;
    }

    /**
     * Uses a token up, or finds that it was used before.
     *
     * @param tx the transaction to work in
     * @param purpose what it must be for
     * @param token the secret part from the link
     * @param tokenId the id from the link
     * @return the match, or empty when the token is unknown, expired, for another purpose or
     *     does not match (the caller says {@link #invalid()} for all of them alike)
     */
    Optional<Redeemed> redeem(ProviderStore.Transaction tx, Purpose purpose, String token, String tokenId) {
        if (token == null || tokenId == null || !TOKEN_ID.matcher(tokenId).matches() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Optional<ProviderStore.Document> found = tx.get(KEY_PREFIX + tokenId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        JsonObject record = JsonParser.parseString(found.get().json()).getAsJsonObject();
        boolean expired = !clock.instant().isBefore(Instant.parse(record.get("expiresAt").getAsString()));
        if (expired) {
            tx.delete(found.get().key());
            return Optional.empty();
        }
        boolean matches = MessageDigest.isEqual(sha256(token).getBytes(StandardCharsets.US_ASCII),
                record.get("hash").getAsString().getBytes(StandardCharsets.US_ASCII));
        if (!matches || !purpose.name().equals(record.get("purpose").getAsString())) {
            return Optional.empty();
        }
        String email = record.get("email").getAsString();
        if (record.get("used").getAsBoolean()) {
            return Optional.of(new Redeemed(email, false));
        }
        if (purpose == Purpose.CONFIRM) {
            record.addProperty("used", true);
            tx.put(found.get().key(), record.toString(), found.get().index());
        } else {
            tx.delete(found.get().key());
        }
        return Optional.of(new Redeemed(email, true));
    }

    /**
     * Deletes a token that will not be used (its function refused).
     *
     * @param tx the transaction
     * @param tokenId the token's id
     */
    void revoke(ProviderStore.Transaction tx, String tokenId) {
        tx.delete(KEY_PREFIX + tokenId);
    }

    /**
     * Deletes every token of an address, as its account goes away.
     *
     * @param tx the transaction
     * @param email the address
     */
    void dropAll(ProviderStore.Transaction tx, String email) {
        for (Purpose purpose : Purpose.values()) {
            for (ProviderStore.Document d : tx.findByIndex(index(purpose, email))) {
                tx.delete(d.key());
            }
        }
    }

    /**
     * The one answer for every bad token, so a caller learns nothing about which check failed.
     *
     * @return the exception
     */
    static AuthException invalid() {
        return new AuthException(ErrorCode.USERPASS_TOKEN_INVALID, "invalid or expired token: ask for a new email");
    }

    private static String index(Purpose purpose, String email) {
        return purpose.name().toLowerCase(Locale.ROOT) + ":" + email;
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
