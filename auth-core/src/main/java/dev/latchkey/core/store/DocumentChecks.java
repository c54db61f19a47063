package dev.latchkey.core.store;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.json.MalformedJsonException;
import dev.latchkey.core.json.StrictJson;

/**
 * The argument checks every {@link ProviderStore} implementation applies, so all stores refuse the
 * same things with the same messages. A failure here is a provider bug, hence
 * {@link ErrorCode#INTERNAL}.
 */
public final class DocumentChecks {
    private DocumentChecks() {
    }

    /**
     * Checks a key.
     *
     * @param key the key
     */
    public static void key(String key) {
        if (key == null || key.isEmpty() || key.length() > ProviderStore.MAX_KEY_LENGTH) {
            throw new AuthException(ErrorCode.INTERNAL,
                    "a provider-store key must be 1 to " + ProviderStore.MAX_KEY_LENGTH + " characters");
        }
        storable(key, "key");
    }

    /**
     * Checks an index value (null allowed).
     *
     * @param index the index value
     */
    public static void index(String index) {
        if (index != null && (index.isEmpty() || index.length() > ProviderStore.MAX_INDEX_LENGTH)) {
            throw new AuthException(ErrorCode.INTERNAL,
                    "a provider-store index value must be null or 1 to " + ProviderStore.MAX_INDEX_LENGTH + " characters");
        }
        if (index != null) {
            storable(index, "index value");
        }
    }

    /**
     * Checks a lookup index value.
     *
     * @param index the index value
     */
    public static void lookupIndex(String index) {
        if (index == null) {
            throw new AuthException(ErrorCode.INTERNAL, "a provider-store index lookup needs a value");
        }
        index(index);
    }

    /**
     * Checks a document.
     *
     * @param json the document
     */
    public static void document(String json) {
        if (json == null || json.length() > ProviderStore.MAX_DOCUMENT_LENGTH) {
            throw new AuthException(ErrorCode.INTERNAL,
                    "a provider-store document must be a JSON object of at most " + ProviderStore.MAX_DOCUMENT_LENGTH + " characters");
        }
        try {
            StrictJson.parseObject(json);
        } catch (MalformedJsonException e) {
            throw new AuthException(ErrorCode.INTERNAL, "a provider-store document must be a JSON object: " + e.getMessage());
        }
    }

    /** Every store must keep keys exactly, and PostgreSQL cannot store NUL nor UTF-8 a lone surrogate. */
    private static void storable(String text, String what) {
        if (!Identity.isStorableText(text)) {
            throw new AuthException(ErrorCode.INTERNAL, "a provider-store " + what + " must not contain NUL or a lone surrogate");
        }
    }

    /**
     * Checks the arguments of a transaction's put.
     *
     * @param key the key
     * @param json the document
     * @param index the index value (null allowed)
     */
    public static void put(String key, String json, String index) {
        key(key);
        document(json);
        index(index);
    }

    /**
     * Checks the arguments of a compare-and-set.
     *
     * @param key the key
     * @param expectedVersion the expected version
     * @param json the document
     * @param index the index value (null allowed)
     */
    public static void compareAndSet(String key, long expectedVersion, String json, String index) {
        key(key);
        version(expectedVersion);
        document(json);
        index(index);
    }

    /**
     * Checks an expected version.
     *
     * @param expectedVersion the version
     */
    public static void version(long expectedVersion) {
        if (expectedVersion < 0) {
            throw new AuthException(ErrorCode.INTERNAL, "a provider-store version is 0 (absent) or more");
        }
    }
}
