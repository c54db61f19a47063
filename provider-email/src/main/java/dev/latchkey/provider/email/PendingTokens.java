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
    private static final System.Logger LOG = System.getLogger(PendingTokens.class.getName());
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
        Record record = new Record(purpose.name(), email, sha256(issued.token()), clock.instant().plus(LIFETIME), false);
        tx.put(KEY_PREFIX + issued.tokenId(), record.toJson(), index);
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
        if (!wellFormed(token, tokenId)) {
            return Optional.empty();
        }
        Optional<ProviderStore.Document> found = tx.get(KEY_PREFIX + tokenId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Optional<Record> record = Record.parse(found.get().json());
        if (record.isEmpty() || record.get().expired(clock.instant())) {
            // Expired, or damaged (which only a broken or tampered store makes): either way it is spent.
            tx.delete(found.get().key());
            return Optional.empty();
        }
        Record r = record.get();
        if (!r.matches(purpose, token)) {
            return Optional.empty();
        }
        if (r.used()) {
            return Optional.of(new Redeemed(r.email(), false));
        }
        if (purpose == Purpose.CONFIRM) {
            tx.put(found.get().key(), r.usedNow().toJson(), found.get().index());
        } else {
            tx.delete(found.get().key());
        }
        return Optional.of(new Redeemed(r.email(), true));
    }

    /**
     * Whether a token would redeem now, without spending it: a cheap check before expensive work
     * (hashing a new password) that a made-up token must not get for free.
     *
     * @param store the provider's store
     * @param purpose what it must be for
     * @param token the secret part
     * @param tokenId the id
     * @return true when it exists, is unused, unexpired, for this purpose and matches
     */
    boolean isLive(ProviderStore store, Purpose purpose, String token, String tokenId) {
        if (!wellFormed(token, tokenId)) {
            return false;
        }
        return store.get(KEY_PREFIX + tokenId).flatMap(d -> Record.parse(d.json()))
                .filter(r -> !r.expired(clock.instant()) && !r.used() && r.matches(purpose, token))
                .isPresent();
    }

    private static boolean wellFormed(String token, String tokenId) {
        return token != null && tokenId != null && TOKEN_ID.matcher(tokenId).matches() && token.length() <= MAX_TOKEN_LENGTH;
    }

    /** A token's record as stored; parsed strictly, since a store can be damaged or tampered with. */
    private record Record(String purpose, String email, String hash, Instant expiresAt, boolean used) {
        static Optional<Record> parse(String json) {
            try {
                JsonObject o = JsonParser.parseString(json).getAsJsonObject();
                Record r = new Record(o.get("purpose").getAsString(), o.get("email").getAsString(), o.get("hash").getAsString(),
                        Instant.parse(o.get("expiresAt").getAsString()), o.get("used").getAsBoolean());
                return Optional.of(r);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a damaged confirmation or reset token record was found and dropped ({0})",
                        e.getClass().getSimpleName());
                return Optional.empty();
            }
        }

        boolean expired(Instant now) {
            return !now.isBefore(expiresAt);
        }

        boolean matches(Purpose wanted, String token) {
            boolean sameHash = MessageDigest.isEqual(sha256(token).getBytes(StandardCharsets.US_ASCII),
                    hash.getBytes(StandardCharsets.US_ASCII));
            return sameHash && wanted.name().equals(purpose);
        }

        Record usedNow() {
            return new Record(purpose, email, hash, expiresAt, true);
        }

        String toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("purpose", purpose);
            o.addProperty("email", email);
            o.addProperty("hash", hash);
            o.addProperty("expiresAt", expiresAt.toString());
            o.addProperty("used", used);
            return o.toString();
        }
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
