package dev.latchkey.provider.email;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.spi.ProviderStore;
import java.util.Optional;

/**
 * The accounts in the provider's store: one document per address, {@code account:<address>},
 * indexed by {@code id:<account id>} so an identity's removal finds it. The account id, not the
 * address, is the identity's subject: an address registered again after its account was deleted
 * is a new user.
 */
final class Accounts {
    private static final String KEY_PREFIX = "account:";
    private static final String ID_INDEX_PREFIX = "id:";
    /** A record of the usual size and shape, parsed for unknown addresses (see {@link #readDummy()}). */
    private static final ProviderStore.Document DUMMY = new ProviderStore.Document("account:dummy@example.com",
            "{\"id\":\"00000000000000000000000000000000\",\"email\":\"dummy@example.com\",\"hash\":"
                    + "\"$argon2id$v\\u003d19$m\\u003d19456,t\\u003d2,p\\u003d1$AAAAAAAAAAAAAAAAAAAAAA$"
                    + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"confirmed\":true,\"createdAt\":\"2026-01-01T00:00:00Z\"}",
            "id:00000000000000000000000000000000", 1);

    private final Gson gson = new Gson();

    /**
     * One account.
     *
     * @param id the identity's subject
     * @param email the address, as kept (lower-cased when addresses are case-insensitive)
     * @param hash the password's Argon2id hash in PHC form
     * @param confirmed whether the address was confirmed
     * @param createdAt when it registered (ISO-8601)
     */
    record Account(String id, String email, String hash, boolean confirmed, String createdAt) {
        Account withHash(String newHash) {
            return new Account(id, email, newHash, confirmed, createdAt);
        }

        Account confirmedNow() {
            return new Account(id, email, hash, true, createdAt);
        }

        /** Hides the hash. */
        @Override
        public String toString() {
            return "Account[id=" + id + ", confirmed=" + confirmed + "]";
        }
    }

    /** An account as read, with the version a compare-and-set needs. */
    record Stored(Account account, long version) {
    }

    static String key(String email) {
        return KEY_PREFIX + email;
    }

    static String idIndex(String id) {
        return ID_INDEX_PREFIX + id;
    }

    Optional<Stored> find(ProviderStore store, String email) {
        return store.get(key(email)).map(d -> new Stored(read(d), d.version()));
    }

    Optional<Account> find(ProviderStore.Transaction tx, String email) {
        return tx.get(key(email)).map(this::read);
    }

    void put(ProviderStore.Transaction tx, Account account) {
        tx.put(key(account.email()), gson.toJson(account), idIndex(account.id()));
    }

    boolean replace(ProviderStore store, Stored stored, Account updated) {
        return store.compareAndSet(key(updated.email()), stored.version(), gson.toJson(updated), idIndex(updated.id()));
    }

    /**
     * Parses a record like any account's, for an unknown address: the benchmark of the unknown-address
     * and wrong-password paths found the record's parse (about 9 microseconds) as their only difference.
     */
    void readDummy() {
        read(DUMMY);
    }

    Account read(ProviderStore.Document document) {
        try {
            Account a = gson.fromJson(document.json(), Account.class);
            if (a == null || a.id() == null || a.email() == null || a.hash() == null) {
                throw new JsonParseException("fields missing");
            }
            return a;
        } catch (JsonParseException e) {
            // A damaged record must fail closed and say so, without its content (it holds a hash).
            throw new AuthException(ErrorCode.INTERNAL, "an email/password account record is damaged");
        }
    }
}
