package dev.latchkey.core.builtin;

import com.google.auto.service.AutoService;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.latchkey.api.ApiKey;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.api.spi.ApiKeyManager;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.token.Secrets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code api-key}: user and server API keys. A key is 64 letters and digits: a 16-character id
 * (the {@link ApiKey#id()}) followed by a 48-character secret (about 285 random bits). Only the
 * SHA-256 of the secret is stored, with the owner as index; a log-in finds the record by id and
 * compares hashes in constant time. When the id is unknown it parses and compares against a dummy
 * record instead, so that path does the provider's work too; what remains is the store's own
 * lookup, which may answer "no row" a little sooner (measured in benchmarks/README.md, issue #9).
 */
@AutoService(CredentialProvider.class)
public final class ApiKeyProvider implements CredentialProvider, ApiKeyManager {
    /** At most this many keys per user, as in App Services. */
    public static final int MAX_KEYS_PER_USER = 20;
    static final int ID_LENGTH = 16;
    static final int KEY_LENGTH = 64;

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern KEY_SHAPE = Pattern.compile("[A-Za-z0-9]{" + KEY_LENGTH + "}");
    private static final Pattern ID_SHAPE = Pattern.compile("[A-Za-z0-9]{" + ID_LENGTH + "}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Compared against when the key id is unknown, so that path costs what a known id costs. */
    private static final String DUMMY_HASH = Secrets.sha256("no such key");
    /** A record shaped like a real one, parsed when the id is unknown (the parse is most of a known id's extra work). */
    private static final ProviderStore.Document DUMMY_RECORD = new ProviderStore.Document("dummyKeyId000000",
            new Gson().toJson(new KeyRecord("000000000000000000000000", "dummy-key", DUMMY_HASH, true, "2026-01-01T00:00:00Z")),
            "000000000000000000000000", 1);

    private final Gson gson = new Gson();
    private volatile ProviderStore store;
    private volatile SecureRandom random;
    private volatile Clock clock;

    /** What is stored per key. */
    private record KeyRecord(String owner, String name, String hash, boolean enabled, String createdAt) {
        ApiKey toApiKey(String id) {
            return new ApiKey(id, name, enabled, Instant.parse(createdAt), null);
        }
    }

    @Override
    public String type() {
        return ProviderTypes.API_KEY;
    }

    @Override
    public void start(ProviderContext context) {
        store = context.store();
        random = context.service(SecureRandom.class);
        clock = context.clock();
    }

    @Override
    public Identity authenticate(Credentials credentials) {
        if (!ProviderTypes.API_KEY.equals(credentials.providerType())) {
            throw new AuthException(ErrorCode.MALFORMED, "these are " + credentials.providerType()
                    + " credentials; the api-key provider takes Credentials.apiKey(key)");
        }
        if (credentials.payload().size() != 1 || !credentials.payload().containsKey("key")) {
            throw new AuthException(ErrorCode.MALFORMED, "api-key credentials have exactly one field, 'key', but got " + credentials);
        }
        String key = credentials.stringField("key")
                .orElseThrow(() -> new AuthException(ErrorCode.MALFORMED, "the 'key' of api-key credentials must be a string"));
        if (!KEY_SHAPE.matcher(key).matches()) {
            throw new AuthException(ErrorCode.MALFORMED, "an API key is " + KEY_LENGTH + " letters and digits");
        }
        String id = key.substring(0, ID_LENGTH);
        Optional<KeyRecord> record = store.get(id).map(this::read);
        KeyRecord compared = record.orElseGet(() -> read(DUMMY_RECORD));
        String presented = Secrets.sha256(key.substring(ID_LENGTH));
        boolean matches = Secrets.constantTimeEquals(presented, compared.hash());
        if (record.isEmpty() || !matches) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "invalid API key");
        }
        if (!record.get().enabled()) {
            throw new AuthException(ErrorCode.INVALID_CREDENTIALS, "the API key is disabled");
        }
        return Identity.of(ProviderTypes.API_KEY, id);
    }

    @Override
    public void identityRemoved(String subject) {
        if (subject != null && ID_SHAPE.matcher(subject).matches()) {
            store.delete(subject);
        }
    }

    @Override
    public ApiKey create(String ownerId, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "an API key name is 1-64 ASCII letters, digits, '_' or '-'");
        }
        String id = randomChars(ID_LENGTH);
        String secret = randomChars(KEY_LENGTH - ID_LENGTH);
        Instant now = clock.instant();
        KeyRecord record = new KeyRecord(ownerId, name, Secrets.sha256(secret), true, now.toString());
        store.transaction(tx -> {
            List<ProviderStore.Document> existing = tx.findByIndex(ownerId);
            if (existing.stream().map(this::read).anyMatch(k -> k.name().equals(name))) {
                throw new AuthException(ErrorCode.API_KEY_ALREADY_EXISTS, "the user already has an API key named " + name);
            }
            if (existing.size() >= MAX_KEYS_PER_USER) {
                throw new AuthException(ErrorCode.LIMIT_EXCEEDED, "a user can have at most " + MAX_KEYS_PER_USER
                        + " API keys; delete one first");
            }
            tx.put(id, gson.toJson(record), ownerId);
            return null;
        });
        return new ApiKey(id, name, true, now, id + secret);
    }

    @Override
    public List<ApiKey> list(String ownerId) {
        return store.findByIndex(ownerId).stream()
                .map(d -> read(d).toApiKey(d.key()))
                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id))
                .toList();
    }

    @Override
    public Optional<ApiKey> find(String ownerId, String keyId) {
        return owned(ownerId, keyId).map(d -> read(d).toApiKey(d.key()));
    }

    @Override
    public boolean setEnabled(String ownerId, String keyId, boolean enabled) {
        return store.transaction(tx -> {
            Optional<ProviderStore.Document> doc = tx.get(keyId).filter(d -> read(d).owner().equals(ownerId));
            if (doc.isEmpty()) {
                return false;
            }
            KeyRecord r = read(doc.get());
            tx.put(keyId, gson.toJson(new KeyRecord(r.owner(), r.name(), r.hash(), enabled, r.createdAt())), ownerId);
            return true;
        });
    }

    @Override
    public boolean delete(String ownerId, String keyId) {
        return store.transaction(tx -> {
            boolean owned = tx.get(keyId).filter(d -> read(d).owner().equals(ownerId)).isPresent();
            return owned && tx.delete(keyId);
        });
    }

    private Optional<ProviderStore.Document> owned(String ownerId, String keyId) {
        if (keyId == null || !ID_SHAPE.matcher(keyId).matches()) {
            return Optional.empty();
        }
        return store.get(keyId).filter(d -> read(d).owner().equals(ownerId));
    }

    private KeyRecord read(ProviderStore.Document document) {
        try {
            KeyRecord record = gson.fromJson(document.json(), KeyRecord.class);
            if (record == null || record.owner() == null || record.hash() == null || record.createdAt() == null) {
                throw new JsonParseException("incomplete");
            }
            return record;
        } catch (JsonParseException e) {
            throw new AuthException(ErrorCode.INTERNAL, "the stored API key " + document.key() + " is unreadable");
        }
    }

    private String randomChars(int count) {
        StringBuilder sb = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
