package dev.latchkey.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.Profile;
import dev.latchkey.api.UserType;
import dev.latchkey.api.spi.ProviderStore;
import dev.latchkey.core.store.LinkOutcome;
import dev.latchkey.core.store.NewUser;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.StoredIdentity;
import dev.latchkey.core.store.StoredSession;
import dev.latchkey.core.store.StoredSigningKey;
import dev.latchkey.core.store.StoredUser;
import dev.latchkey.testkit.Race;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do, whatever keeps the data: atomic find-or-create of users under
 * racing log-ins, linking rules, cascading deletes, sessions that never outlive their user, signing
 * keys, and the provider documents' compare-and-set, index and serializable transactions. A store's
 * test extends this class and supplies {@link #newStore()}; every store Latchkey ships runs it
 * unchanged, and so can a third party's.
 */
public abstract class StoreContract {
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int THREADS = 16;

    protected Store store;
    private int ids;

    /**
     * A new, empty store.
     *
     * @return the store under test
     */
    protected abstract Store newStore();

    /** Opens a fresh store before each test. */
    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // --- users and identities ---

    @Test
    void aNewIdentityCreatesAUserAndAKnownOneFindsIt() {
        Identity alice = new Identity("test-idp", "alice", Profile.builder().name("Alice").build());
        StoredUser created = store.logInIdentity(alice, newUser(), T0);
        assertThat(created.identities()).extracting(StoredIdentity::subject).containsExactly("alice");
        assertThat(created.type()).isEqualTo(UserType.NORMAL);
        assertThat(created.disabled()).isFalse();

        Identity aliceAgain = new Identity("test-idp", "alice", Profile.builder().name("Alice Smith").build());
        StoredUser found = store.logInIdentity(aliceAgain, newUser(), T0.plusSeconds(60));
        assertThat(found.id()).isEqualTo(created.id());
        assertThat(found.toUserInfo().profile().name()).isEqualTo("Alice Smith");
        assertThat(found.identities().get(0).linkedAt()).isEqualTo(T0);
        assertThat(found.identities().get(0).lastLoginAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(store.findUser(created.id())).contains(found);
        assertThat(store.findUserByIdentity("test-idp", "alice")).contains(found);
        assertThat(store.findUserByIdentity("other-idp", "alice")).isEmpty();
    }

    @Test
    void aLogInThatChangesNothingLeavesTheUserAsItWasButAnEarlierIdentityTakesOverAgain() {
        Identity a = new Identity("test-idp", "a", Profile.builder().name("A").build());
        StoredUser user = store.logInIdentity(a, newUser(), T0);
        Identity b = new Identity("other-idp", "b", Profile.builder().name("B").build());
        assertThat(store.linkIdentity(user.id(), b, T0.plusSeconds(10))).isEqualTo(LinkOutcome.LINKED);
        assertThat(store.findUser(user.id()).orElseThrow().toUserInfo().profile().name()).isEqualTo("B");

        // Same profile, but not the latest identity: the log-in must make it the one the user shows.
        StoredUser again = store.logInIdentity(a, newUser(), T0.plusSeconds(20));
        assertThat(again.toUserInfo().profile().name()).isEqualTo("A");
        assertThat(again.identities()).filteredOn(i -> i.subject().equals("a")).extracting(StoredIdentity::lastLoginAt)
                .containsExactly(T0.plusSeconds(20));

        // Now it is the latest with this very profile: a store may skip the write, and nothing visible moves.
        StoredUser unchanged = store.logInIdentity(a, newUser(), T0.plusSeconds(30));
        assertThat(unchanged).isEqualTo(again);
        assertThat(store.findUser(user.id())).contains(again);

        // A new profile is always recorded.
        Identity renamed = new Identity("test-idp", "a", Profile.builder().name("A2").build());
        assertThat(store.logInIdentity(renamed, newUser(), T0.plusSeconds(40)).toUserInfo().profile().name()).isEqualTo("A2");
    }

    @Test
    void racingFirstLogInsOfOneIdentityCreateExactlyOneUser() throws Exception {
        Identity identity = Identity.of("test-idp", "racer");
        List<StoredUser> results = Race.run(200, i -> store.logInIdentity(identity, newUser("u-race-" + i), T0));
        assertThat(results).extracting(StoredUser::id).containsOnly(results.get(0).id());
        assertThat(store.findUserByIdentity("test-idp", "racer")).isPresent();
    }

    @Test
    void aLogInThatMakesItsUserMayOpenItsSessionInTheSameStep() {
        Identity carol = Identity.of("test-idp", "carol");
        NewUser first = newUser();
        Store.LogIn made = store.logInIdentity(carol, first, T0, sessionOf(first, carol, "h-carol-1"));
        assertThat(made.user().id()).isEqualTo(first.id());
        // A store may open it in the same step or leave it to createSession; what it says must be what it did.
        assertThat(store.findSessionByTokenHash("h-carol-1").isPresent()).isEqualTo(made.sessionOpened());
        store.findSessionByTokenHash("h-carol-1").ifPresent(s -> assertThat(s.userId()).isEqualTo(first.id()));

        // The identity is known now: the log-in finds its user and opens nothing.
        NewUser second = newUser();
        Store.LogIn found = store.logInIdentity(carol, second, T0.plusSeconds(60), sessionOf(second, carol, "h-carol-2"));
        assertThat(found.user().id()).isEqualTo(first.id());
        assertThat(found.sessionOpened()).isFalse();
        // The same identity and profile, already the user's latest: nothing visible changes, so a
        // store may write nothing and keep the log-in time of the log-in that last changed something.
        assertThat(found.user().identities().get(0).lastLoginAt()).isIn(T0, T0.plusSeconds(60));
        assertThat(store.findSessionByTokenHash("h-carol-2")).isEmpty();
        assertThat(store.findUser(second.id())).isEmpty();
    }

    @Test
    void aSessionOfAnotherUserIsRefusedWithTheLogIn() {
        Identity dave = Identity.of("test-idp", "dave");
        NewUser user = newUser();
        StoredSession someoneElses = new StoredSession("s-other", "someone-else", "d", "test-idp", "dave", "h-other", T0,
                T0.plusSeconds(60));
        assertThatThrownBy(() -> store.logInIdentity(dave, user, T0, someoneElses)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.findUserByIdentity("test-idp", "dave")).isEmpty();
        assertThat(store.findSessionByTokenHash("h-other")).isEmpty();
    }

    @Test
    void racingFirstLogInsWithSessionsMakeOneUserAndOpenOnlyItsSession() throws Exception {
        Identity identity = Identity.of("test-idp", "racer-with-session");
        List<Store.LogIn> results = Race.run(100, i -> {
            NewUser user = newUser("u-srace-" + i);
            return store.logInIdentity(identity, user, T0, sessionOf(user, identity, "h-srace-" + i));
        });
        String winner = results.get(0).user().id();
        assertThat(results).extracting(r -> r.user().id()).containsOnly(winner);
        for (int i = 0; i < results.size(); i++) {
            Optional<StoredSession> session = store.findSessionByTokenHash("h-srace-" + i);
            assertThat(session.isPresent()).as("log-in %d", i).isEqualTo(results.get(i).sessionOpened());
            session.ifPresent(s -> assertThat(s.userId()).isEqualTo(winner));
        }
        // Only the log-in that made the user may have opened its session in the same step.
        assertThat(results.stream().filter(Store.LogIn::sessionOpened).count()).isLessThanOrEqualTo(1);
    }

    @Test
    void identifiersAreStoredAsLiterals() {
        for (String hostile : List.of("'; DROP TABLE users;--", "a'--@x.com", "%", "_", "\\", "\"quoted\"", "ünïcødé ✓",
                "emoji \uD83D\uDE00", "tab\tnew\nline")) {
            StoredUser user = store.logInIdentity(Identity.of("test-idp", hostile), newUser(), T0);
            assertThat(store.findUserByIdentity("test-idp", hostile)).map(StoredUser::id).contains(user.id());
        }
        assertThat(store.findUserByIdentity("test-idp", "a%")).isEmpty();
    }

    @Test
    void linkingReportsWhatHappened() {
        StoredUser ann = store.logInIdentity(Identity.of("test-idp", "ann"), newUser(), T0);
        StoredUser bob = store.logInIdentity(Identity.of("test-idp", "bob"), newUser(), T0);
        Identity annEmail = Identity.of("email", "ann@example.com");

        assertThat(store.linkIdentity(ann.id(), annEmail, T0)).isEqualTo(LinkOutcome.LINKED);
        assertThat(store.linkIdentity(ann.id(), annEmail, T0)).isEqualTo(LinkOutcome.ALREADY_LINKED);
        assertThat(store.linkIdentity(bob.id(), annEmail, T0)).isEqualTo(LinkOutcome.IN_USE);
        assertThat(store.linkIdentity("no-such-user", Identity.of("email", "x"), T0)).isEqualTo(LinkOutcome.USER_NOT_FOUND);
        assertThat(store.findUserByIdentity("email", "x")).isEmpty();
        assertThat(store.findUser(ann.id()).orElseThrow().identities()).extracting(StoredIdentity::subject)
                .containsExactly("ann", "ann@example.com");
        assertThat(store.findUserByIdentity("email", "ann@example.com")).map(StoredUser::id).contains(ann.id());

        assertThat(store.unlinkIdentity(bob.id(), "email", "ann@example.com")).isFalse();
        assertThat(store.unlinkIdentity(ann.id(), "email", "ann@example.com")).isTrue();
        assertThat(store.findUserByIdentity("email", "ann@example.com")).isEmpty();
        assertThat(store.linkIdentity(bob.id(), annEmail, T0)).isEqualTo(LinkOutcome.LINKED);
    }

    @Test
    void racingLinksOfOneIdentityGiveItToExactlyOneUser() throws Exception {
        List<String> userIds = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            userIds.add(store.logInIdentity(Identity.of("test-idp", "user" + i), newUser(), T0).id());
        }
        Identity contested = Identity.of("email", "contested@example.com");
        List<LinkOutcome> outcomes = Race.run(THREADS, i -> store.linkIdentity(userIds.get(i), contested, T0));
        assertThat(outcomes).filteredOn(o -> o == LinkOutcome.LINKED).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o == LinkOutcome.IN_USE).hasSize(THREADS - 1);
    }

    @Test
    void deletingAUserDeletesItsIdentitiesAndSessions() {
        StoredUser user = store.logInIdentity(Identity.of("test-idp", "gone"), newUser(), T0);
        store.linkIdentity(user.id(), Identity.of("email", "gone@example.com"), T0);
        StoredSession session = session(user, "h-gone");
        assertThat(store.createSession(session)).isTrue();

        Optional<StoredUser> deleted = store.deleteUser(user.id());
        assertThat(deleted).isPresent();
        assertThat(deleted.get().identities()).hasSize(2);
        assertThat(store.findUser(user.id())).isEmpty();
        assertThat(store.findUserByIdentity("email", "gone@example.com")).isEmpty();
        assertThat(store.findSession(session.id())).isEmpty();
        assertThat(store.findSessionByTokenHash("h-gone")).isEmpty();
        assertThat(store.deleteUser(user.id())).isEmpty();
        StoredUser reborn = store.logInIdentity(Identity.of("test-idp", "gone"), newUser(), T0);
        assertThat(reborn.id()).isNotEqualTo(user.id());
    }

    @Test
    void disablingAUserEndsItsSessionsAndRefusesNewOnes() {
        StoredUser user = store.logInIdentity(Identity.of("test-idp", "dis"), newUser(), T0);
        StoredSession first = session(user, "h-dis-1");
        store.createSession(first);
        assertThat(store.setDisabled(user.id(), true)).isTrue();
        assertThat(store.findUser(user.id()).orElseThrow().disabled()).isTrue();
        assertThat(store.findSession(first.id())).isEmpty();
        assertThat(store.createSession(session(user, "h-dis-2"))).isFalse();
        assertThat(store.findSessionByTokenHash("h-dis-2")).isEmpty();

        assertThat(store.setDisabled(user.id(), false)).isTrue();
        assertThat(store.createSession(session(user, "h-dis-3"))).isTrue();
        assertThat(store.setDisabled("no-such-user", true)).isFalse();
        assertThat(store.createSession(new StoredSession("s-none", "no-such-user", "d", "test-idp", "dis", "h-none", T0,
                T0.plusSeconds(60)))).isFalse();
    }

    @Test
    void customDataIsReplacedWhole() {
        StoredUser user = store.logInIdentity(Identity.of("test-idp", "cd"), newUser(), T0);
        assertThat(user.customData()).isEmpty();
        assertThat(store.setCustomData(user.id(), Map.of("plan", "pro", "seats", 5L))).isTrue();
        assertThat(store.findUser(user.id()).orElseThrow().customData()).isEqualTo(Map.of("plan", "pro", "seats", 5L));
        assertThat(store.setCustomData(user.id(), Map.of("plan", "free"))).isTrue();
        assertThat(store.findUser(user.id()).orElseThrow().customData()).isEqualTo(Map.of("plan", "free"));
        assertThat(store.setCustomData("no-such-user", Map.of())).isFalse();
    }

    @Test
    void profilesAndCustomDataComeBackExactly() {
        Profile full = new Profile("Zoë Ann", "zoe@example.com", "https://example.com/p.png", "Zoë", "Ann", "f", "1990-02-03",
                18, 120, Map.of("dept", "R&D \"quoted\"", "emoji", "\uD83D\uDE00", "nul", "a\u0000b"));
        StoredUser user = store.logInIdentity(new Identity("test-idp", "full", full), newUser(), T0);
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("plan", "pro");
        data.put("seats", 5L);
        data.put("ratio", 0.25);
        data.put("on", true);
        data.put("none", null);
        data.put("tags", List.of("a", 1L, List.of()));
        data.put("nested", Map.of("deep", Map.of("x", -1L)));
        store.setCustomData(user.id(), data);
        StoredUser found = store.findUser(user.id()).orElseThrow();
        assertThat(found.identities().get(0).profile()).isEqualTo(full);
        assertThat(found.customData()).isEqualTo(data);
        assertThat(store.findUserByIdentity("test-idp", "full").orElseThrow().toUserInfo().profile()).isEqualTo(full);
    }

    // --- listing users ---

    @Test
    void usersAreListedInPagesInCodeOrderOfTheirIds() {
        // Ids whose order differs between byte order and a language's collation: case, '-' and '_'.
        List<String> ids = List.of("B", "a", "_x", "-y", "Z9", "a-b", "ab", "a_b", "0", "zz");
        for (String id : ids) {
            store.logInIdentity(Identity.of("test-idp", "sub-" + id), newUser(id), T0);
        }
        store.linkIdentity("ab", Identity.of("email", "ab@example.com"), T0.plusSeconds(1));
        List<String> expected = new ArrayList<>(new TreeSet<>(ids));

        List<StoredUser> listed = new ArrayList<>();
        String cursor = null;
        for (List<StoredUser> page = store.listUsers(null, 3); !page.isEmpty(); page = store.listUsers(cursor, 3)) {
            assertThat(page.size()).isLessThanOrEqualTo(3);
            listed.addAll(page);
            cursor = page.get(page.size() - 1).id();
        }
        assertThat(listed).extracting(StoredUser::id).containsExactlyElementsOf(expected);
        assertThat(listed).as("each user whole, as findUser gives it")
                .allSatisfy(u -> assertThat(store.findUser(u.id())).contains(u));
        assertThat(listed.get(expected.indexOf("ab")).identities()).extracting(StoredIdentity::subject)
                .containsExactly("sub-ab", "ab@example.com");
        assertThat(store.listUsers(null, 100)).extracting(StoredUser::id).containsExactlyElementsOf(expected);
        assertThat(store.listUsers("a", 2)).extracting(StoredUser::id).containsExactly("a-b", "a_b");
        assertThat(store.listUsers("zz", 5)).isEmpty();
        assertThat(store.listUsers("~", 5)).isEmpty();
        assertThat(store.listUsers("", 1)).extracting(StoredUser::id).containsExactly(expected.get(0));
    }

    @Test
    void anEmptyStoreListsNoUsers() {
        assertThat(store.listUsers(null, 10)).isEmpty();
        assertThat(store.listUsers("x", 10)).isEmpty();
    }

    @Test
    void hostileCursorsAreLiterals() {
        for (String id : List.of("a", "a'", "b", "m", "n", "z")) {
            store.logInIdentity(Identity.of("test-idp", "h-" + id), newUser(id), T0);
        }
        assertThat(store.listUsers("a' OR '1'='1", 10)).extracting(StoredUser::id).containsExactly("b", "m", "n", "z");
        assertThat(store.listUsers("'; DROP TABLE latchkey_users;--", 10)).extracting(StoredUser::id)
                .containsExactly("a", "a'", "b", "m", "n", "z");
        assertThat(store.listUsers("%", 10)).extracting(StoredUser::id).containsExactly("a", "a'", "b", "m", "n", "z");
        assertThat(store.listUsers("m" + "x".repeat(10_000), 10)).extracting(StoredUser::id).containsExactly("n", "z");
        assertThat(store.listUsers("a\u0000", 10)).as("a NUL sorts before every other character")
                .extracting(StoredUser::id).containsExactly("a'", "b", "m", "n", "z");
        assertThat(store.listUsers("m\u0000zzz", 10)).extracting(StoredUser::id).containsExactly("n", "z");
        assertThat(store.listUsers("\u0000", 10)).extracting(StoredUser::id).containsExactly("a", "a'", "b", "m", "n", "z");
        assertThat(store.findUser("a")).as("nothing was dropped").isPresent();
        assertThat(store.listUsers(null, 10)).hasSize(6);
    }

    /**
     * Keyset pages under churn: a walk through the pages while other users are created and deleted
     * sees every user that lived through the whole walk exactly once, in order, each whole.
     */
    @Test
    void pagesStayExactWhileUsersComeAndGo() throws Exception {
        Set<String> stayers = new TreeSet<>();
        for (int i = 0; i < 60; i++) {
            String id = String.format("k%03d", i * 2);
            store.logInIdentity(Identity.of("test-idp", "stay-" + id), newUser(id), T0);
            stayers.add(id);
        }
        Set<String> churned = ConcurrentHashMap.newKeySet();
        AtomicBoolean walking = new AtomicBoolean(true);
        List<List<String>> walks = Race.run(4, racer -> {
            if (racer < 2) {
                // Churn: users between and around the stayers appear and vanish. The ids repeat (n % 64), so
                // the store stays bounded: an in-memory store churns far faster than the walks page, and
                // with ever-new ids the walks would never reach the end.
                for (int n = 0; walking.get(); n++) {
                    String id = String.format("k%03d-%d-%d", (n * 7 + racer) % 120, racer, n % 64);
                    churned.add(id);
                    store.logInIdentity(Identity.of("test-idp", "churn-" + id), newUser(id), T0);
                    store.linkIdentity(id, Identity.of("email", id + "@example.com"), T0);
                    if (n % 2 == 0) {
                        store.deleteUser(id);
                    }
                }
                return List.<String>of();
            }
            try {
                while (churned.size() < 4 && !Thread.currentThread().isInterrupted()) {
                    Thread.onSpinWait();   // the walks must overlap the churn, not finish before it starts
                }
                List<String> seen = new ArrayList<>();
                for (int walk = 0; walk < 8; walk++) {
                    String cursor = null;
                    for (List<StoredUser> page = store.listUsers(null, 7); !page.isEmpty(); page = store.listUsers(cursor, 7)) {
                        for (StoredUser u : page) {
                            seen.add(u.id());
                            assertThat(u.identities()).as("a listed user comes with its identities").isNotEmpty();
                        }
                        cursor = page.get(page.size() - 1).id();
                    }
                    seen.add("|");
                }
                return seen;
            } finally {
                walking.set(false);
            }
        });
        for (List<String> seen : walks.subList(2, 4)) {
            List<String> walk = new ArrayList<>();
            for (String entry : seen) {
                if (!entry.equals("|")) {
                    walk.add(entry);
                    continue;
                }
                assertThat(walk).as("ascending, no user twice").isSortedAccordingTo(String::compareTo).doesNotHaveDuplicates();
                assertThat(walk).as("every user that lived through the walk").containsAll(stayers);
                assertThat(walk).as("nothing that never existed").allMatch(id -> stayers.contains(id) || churned.contains(id));
                walk.clear();
            }
        }
        assertThat(churned).as("the churn ran during the walks").isNotEmpty();
    }

    // --- sessions ---

    @Test
    void sessionsAreFoundByTokenHashAndById() {
        StoredUser user = store.logInIdentity(Identity.of("test-idp", "s"), newUser(), T0);
        StoredSession s = session(user, "hash-1");
        assertThat(store.createSession(s)).isTrue();
        assertThat(store.findSessionByTokenHash("hash-1")).contains(s);
        assertThat(store.findSession(s.id())).contains(s);
        assertThat(store.findSessionByTokenHash("hash-2")).isEmpty();
        assertThat(store.deleteSession(s.id())).isTrue();
        assertThat(store.deleteSession(s.id())).isFalse();
        assertThat(store.findSessionByTokenHash("hash-1")).isEmpty();
    }

    @Test
    void aSessionNeedsItsIdentityToStillBelongToTheUser() {
        StoredUser ann = store.logInIdentity(Identity.of("test-idp", "ann"), newUser(), T0);
        StoredUser bob = store.logInIdentity(Identity.of("test-idp", "bob"), newUser(), T0);
        store.linkIdentity(ann.id(), Identity.of("api-key", "K9"), T0);
        assertThat(store.createSession(new StoredSession("s-k9", ann.id(), "d", "api-key", "K9", "h-k9", T0, T0.plusSeconds(60))))
                .isTrue();
        store.unlinkIdentity(ann.id(), "api-key", "K9");
        assertThat(store.createSession(new StoredSession("s-k9b", ann.id(), "d", "api-key", "K9", "h-k9b", T0, T0.plusSeconds(60))))
                .as("an unlinked identity opens no session").isFalse();
        assertThat(store.createSession(new StoredSession("s-x", bob.id(), "d", "test-idp", "ann", "h-x", T0, T0.plusSeconds(60))))
                .as("another user's identity opens no session").isFalse();
        assertThat(store.findSessionByTokenHash("h-k9b")).isEmpty();
        assertThat(store.findSessionByTokenHash("h-x")).isEmpty();
    }

    @Test
    void unlinkingAnIdentityEndsItsSessionsInTheSameStep() {
        StoredUser user = store.logInIdentity(Identity.of("test-idp", "keyholder"), newUser(), T0);
        store.linkIdentity(user.id(), Identity.of("api-key", "K7"), T0);
        store.createSession(new StoredSession("s-k7", user.id(), "d", "api-key", "K7", "h-k7", T0, T0.plusSeconds(100)));
        store.createSession(new StoredSession("s-own", user.id(), "d", "test-idp", "keyholder", "h-own", T0, T0.plusSeconds(100)));
        assertThat(store.unlinkIdentity(user.id(), "api-key", "K7")).isTrue();
        assertThat(store.findSession("s-k7")).isEmpty();
        assertThat(store.findSession("s-own")).as("other identities' sessions stay").isPresent();
    }

    @Test
    void aTransactionsWorkCannotGoAroundItsTransaction() {
        ProviderStore docs = store.documents("test-idp");
        docs.compareAndSet("k", 0, "{}", "i");
        assertInternal(() -> docs.transaction(tx -> docs.get("k")));
        assertInternal(() -> docs.transaction(tx -> docs.compareAndSet("k2", 0, "{}", null)));
        assertInternal(() -> docs.transaction(tx -> docs.transaction(inner -> null)));
        assertThat(docs.get("k2")).isEmpty();
        Optional<ProviderStore.Document> throughAnotherNamespace = store.documents("other-idp").transaction(tx -> docs.get("k"));
        assertThat(throughAnotherNamespace).as("another namespace is another lock").isPresent();
        assertThat(docs.get("k")).as("the store works after the refusal").isPresent();
    }

    @Test
    void expiredSessionsAreRemoved() {
        StoredUser user = store.logInIdentity(Identity.of("test-idp", "exp"), newUser(), T0);
        StoredSession old = new StoredSession("s-old", user.id(), "d", "test-idp", "exp", "h-old", T0, T0.plusSeconds(10));
        StoredSession fresh = new StoredSession("s-new", user.id(), "d", "test-idp", "exp", "h-new", T0, T0.plusSeconds(1000));
        store.createSession(old);
        store.createSession(fresh);
        assertThat(store.deleteExpiredSessions(T0.plusSeconds(11))).isEqualTo(1);
        assertThat(store.findSession("s-old")).isEmpty();
        assertThat(store.findSession("s-new")).isPresent();
    }

    @Test
    void manyExpiredSessionsAreAllRemoved() {
        StoredUser user = store.logInIdentity(Identity.of("test-idp", "many"), newUser(), T0);
        int count = 2_345;   // more than one batch of a store that removes them in batches
        for (int i = 0; i < count; i++) {
            store.createSession(new StoredSession("s-many-" + i, user.id(), "d", "test-idp", "many", "h-many-" + i, T0,
                    T0.plusSeconds(i % 2 == 0 ? 10 : 1000)));
        }
        assertThat(store.deleteExpiredSessions(T0.plusSeconds(11))).isEqualTo((count + 1) / 2);
        assertThat(store.findSession("s-many-0")).isEmpty();
        assertThat(store.findSession("s-many-1")).isPresent();
        assertThat(store.deleteExpiredSessions(T0.plusSeconds(11))).isZero();
    }

    @Test
    void sessionsOfOneIdentityEndTogether() {
        StoredUser user = store.logInIdentity(Identity.of("test-idp", "multi"), newUser(), T0);
        store.linkIdentity(user.id(), Identity.of("api-key", "K1"), T0);
        store.linkIdentity(user.id(), Identity.of("api-key", "K2"), T0);
        store.createSession(new StoredSession("s-a", user.id(), "d", "api-key", "K1", "h-a", T0, T0.plusSeconds(100)));
        store.createSession(new StoredSession("s-b", user.id(), "d", "api-key", "K1", "h-b", T0, T0.plusSeconds(100)));
        store.createSession(new StoredSession("s-c", user.id(), "d", "api-key", "K2", "h-c", T0, T0.plusSeconds(100)));
        assertThat(store.deleteSessionsOfIdentity("api-key", "K1")).isEqualTo(2);
        assertThat(store.findSession("s-a")).isEmpty();
        assertThat(store.findSession("s-c")).isPresent();
    }

    @Test
    void aUsersSessionsEndTogetherAndOnlyTheirs() {
        StoredUser ann = store.logInIdentity(Identity.of("test-idp", "ann-s"), newUser(), T0);
        StoredUser bob = store.logInIdentity(Identity.of("test-idp", "bob-s"), newUser(), T0);
        store.linkIdentity(ann.id(), Identity.of("api-key", "K-ann"), T0);
        store.createSession(session(ann, "h-ann-1"));
        store.createSession(session(ann, "h-ann-2"));
        store.createSession(new StoredSession("s-ann-key", ann.id(), "d", "api-key", "K-ann", "h-ann-key", T0, T0.plusSeconds(100)));
        store.createSession(session(bob, "h-bob"));

        assertThat(store.deleteSessionsOfUser(ann.id())).isEqualTo(OptionalInt.of(3));
        assertThat(store.findSessionByTokenHash("h-ann-1")).isEmpty();
        assertThat(store.findSessionByTokenHash("h-ann-2")).isEmpty();
        assertThat(store.findSession("s-ann-key")).isEmpty();
        assertThat(store.findSessionByTokenHash("h-bob")).as("another user's session stays").isPresent();
        assertThat(store.findUser(ann.id())).as("the user stays, enabled, with its identities")
                .hasValueSatisfying(u -> {
                    assertThat(u.disabled()).isFalse();
                    assertThat(u.identities()).hasSize(2);
                });
        assertThat(store.deleteSessionsOfUser(ann.id())).isEqualTo(OptionalInt.of(0));
        assertThat(store.createSession(session(ann, "h-ann-3"))).as("a later log-in opens a session").isTrue();
        assertThat(store.deleteSessionsOfUser("no-such-user")).isEmpty();
        assertThat(store.deleteSessionsOfUser("'; DELETE FROM latchkey_sessions;--")).isEmpty();
        assertThat(store.findSessionByTokenHash("h-bob")).isPresent();
    }

    @Test
    void aSessionOpenedWhileAUsersSessionsEndIsEndedOrCountedOut() throws Exception {
        for (int round = 0; round < 50; round++) {
            StoredUser user = store.logInIdentity(Identity.of("test-idp", "rev-" + round), newUser(), T0);
            store.createSession(session(user, "h-rev-old-" + round));
            String hash = "h-rev-" + round;
            List<Object> results = Race.run(2, i -> i == 0 ? store.createSession(session(user, hash))
                    : store.deleteSessionsOfUser(user.id()).orElseThrow());
            assertThat(results.get(0)).isEqualTo(true);
            boolean survived = store.findSessionByTokenHash(hash).isPresent();
            assertThat(results.get(1)).as("round %d: ended with the old one, or opened after", round)
                    .isEqualTo(survived ? 1 : 2);
            assertThat(store.findSessionByTokenHash("h-rev-old-" + round)).isEmpty();
        }
    }

    @Test
    void noSessionOutlivesTheDeletionOfItsUser() throws Exception {
        for (int round = 0; round < 50; round++) {
            StoredUser user = store.logInIdentity(Identity.of("test-idp", "race-" + round), newUser(), T0);
            String hash = "h-race-" + round;
            Race.run(2, i -> i == 0 ? store.createSession(session(user, hash)) : store.deleteUser(user.id()).isPresent());
            assertThat(store.findUser(user.id())).isEmpty();
            assertThat(store.findSessionByTokenHash(hash)).as("round %d", round).isEmpty();
        }
    }

    // --- signing keys ---

    @Test
    void signingKeysAreKeptOldestFirst() {
        store.addSigningKey(new StoredSigningKey("k2", "{\"k\":2}", T0.plusSeconds(10)));
        store.addSigningKey(new StoredSigningKey("k1", "{\"k\":1}", T0));
        assertThat(store.signingKeys()).extracting(StoredSigningKey::kid).containsExactly("k1", "k2");
        assertThat(store.deleteSigningKey("k1")).isTrue();
        assertThat(store.deleteSigningKey("k1")).isFalse();
        assertThat(store.signingKeys()).extracting(StoredSigningKey::kid).containsExactly("k2");
    }

    // --- provider documents ---

    @Test
    void documentsAreVersionedAndWrittenByCompareAndSet() {
        ProviderStore docs = store.documents("test-idp");
        assertThat(docs.get("a")).isEmpty();
        assertThat(docs.compareAndSet("a", 0, "{\"v\":1}", "idx")).isTrue();
        assertThat(docs.compareAndSet("a", 0, "{\"v\":9}", "idx")).as("create over an existing document").isFalse();
        ProviderStore.Document a = docs.get("a").orElseThrow();
        assertThat(a.version()).isPositive();
        assertThat(a.json()).isEqualTo("{\"v\":1}");
        assertThat(a.index()).isEqualTo("idx");
        assertThat(docs.compareAndSet("a", a.version() + 1, "{\"v\":9}", null)).as("wrong version").isFalse();
        assertThat(docs.compareAndSet("a", a.version(), "{\"v\":2}", null)).isTrue();
        ProviderStore.Document a2 = docs.get("a").orElseThrow();
        assertThat(a2.version()).isGreaterThan(a.version());
        assertThat(docs.compareAndSet("a", a.version(), "{\"v\":9}", null)).as("stale version").isFalse();
        assertThat(docs.findByIndex("idx")).isEmpty();
        assertThat(docs.delete("a")).isTrue();
        assertThat(docs.delete("a")).isFalse();
        assertThat(docs.compareAndSet("a", 0, "{\"v\":3}", null)).isTrue();
    }

    /** A reader that saw a document before it was deleted and made again must not overwrite the new one. */
    @Test
    void aVersionIsNeverReusedAfterADelete() {
        ProviderStore docs = store.documents("test-idp");
        docs.compareAndSet("account", 0, "{\"hash\":\"old\"}", null);
        long seen = docs.get("account").orElseThrow().version();
        docs.delete("account");
        docs.compareAndSet("account", 0, "{\"hash\":\"new\"}", null);
        assertThat(docs.compareAndSet("account", seen, "{\"hash\":\"old\"}", null)).isFalse();
        docs.transaction(tx -> tx.delete("account"));
        docs.transaction(tx -> {
            tx.put("account", "{\"hash\":\"newer\"}", null);
            return null;
        });
        long newer = docs.get("account").orElseThrow().version();
        assertThat(newer).isNotEqualTo(seen);
        assertThat(docs.compareAndSet("account", seen, "{\"hash\":\"old\"}", null)).isFalse();
        assertThat(docs.get("account").orElseThrow().json()).isEqualTo("{\"hash\":\"newer\"}");
        ProviderStore.Document inTx = docs.transaction(tx -> {
            tx.put("account", "{\"hash\":\"newest\"}", null);
            return tx.get("account").orElseThrow();
        });
        assertThat(docs.get("account")).contains(inTx);
    }

    @Test
    void namespacesAreIsolated() {
        store.documents("one").compareAndSet("k", 0, "{}", "i");
        assertThat(store.documents("two").get("k")).isEmpty();
        assertThat(store.documents("two").findByIndex("i")).isEmpty();
        assertThat(store.documents("one").get("k")).isPresent();
    }

    @Test
    void documentsAreFoundByIndexInKeyOrder() {
        ProviderStore docs = store.documents("test-idp");
        docs.compareAndSet("c", 0, "{}", "owner-1");
        docs.compareAndSet("a", 0, "{}", "owner-1");
        docs.compareAndSet("b", 0, "{}", "owner-2");
        assertThat(docs.findByIndex("owner-1")).extracting(ProviderStore.Document::key).containsExactly("a", "c");
        docs.compareAndSet("c", 1, "{}", "owner-2");
        assertThat(docs.findByIndex("owner-1")).extracting(ProviderStore.Document::key).containsExactly("a");
        assertThat(docs.findByIndex("owner-2")).extracting(ProviderStore.Document::key).containsExactly("b", "c");
        assertThat(docs.findByIndex("'; DROP TABLE users;--")).isEmpty();
    }

    @Test
    void aTransactionCommitsAllItsWritesOrNone() {
        ProviderStore docs = store.documents("test-idp");
        docs.compareAndSet("keep", 0, "{\"n\":1}", null);
        String result = docs.transaction(tx -> {
            tx.put("x", "{\"n\":1}", "i");
            tx.put("y", "{\"n\":2}", "i");
            assertThat(tx.get("x")).map(ProviderStore.Document::json).contains("{\"n\":1}");
            assertThat(tx.findByIndex("i")).extracting(ProviderStore.Document::key).containsExactly("x", "y");
            assertThat(tx.delete("keep")).isTrue();
            assertThat(tx.get("keep")).isEmpty();
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(docs.findByIndex("i")).hasSize(2);
        assertThat(docs.get("keep")).isEmpty();

        assertThatThrownBy(() -> docs.transaction(tx -> {
            tx.put("z", "{}", "i");
            tx.delete("x");
            throw new AuthException(ErrorCode.LIMIT_EXCEEDED, "too many");
        })).isInstanceOf(AuthException.class).hasMessage("too many");
        assertThat(docs.get("z")).isEmpty();
        assertThat(docs.get("x")).isPresent();
    }

    @Test
    void concurrentTransactionsAreSerializable() throws Exception {
        ProviderStore docs = store.documents("test-idp");
        docs.compareAndSet("counter", 0, "{\"n\":0}", null);
        Race.run(THREADS * 8, i -> docs.transaction(tx -> {
            int n = Integer.parseInt(tx.get("counter").orElseThrow().json().replaceAll("\\D", ""));
            tx.put("counter", "{\"n\":" + (n + 1) + "}", null);
            return null;
        }));
        assertThat(docs.get("counter").orElseThrow().json()).isEqualTo("{\"n\":" + THREADS * 8 + "}");
    }

    @Test
    void aCheckThenInsertLimitHoldsUnderARace() throws Exception {
        ProviderStore docs = store.documents("test-idp");
        int limit = 5;
        AtomicInteger refused = new AtomicInteger();
        Race.run(THREADS * 2, i -> docs.transaction(tx -> {
            if (tx.findByIndex("owner").size() >= limit) {
                refused.incrementAndGet();
                return null;
            }
            tx.put("k" + i, "{}", "owner");
            return null;
        }));
        assertThat(docs.findByIndex("owner")).hasSize(limit);
        assertThat(refused.get()).isGreaterThanOrEqualTo(THREADS * 2 - limit);
    }

    @Test
    void racingCreatesHaveOneWinner() throws Exception {
        ProviderStore docs = store.documents("test-idp");
        List<Boolean> won = Race.run(THREADS, i -> docs.compareAndSet("only", 0, "{\"by\":" + i + "}", null));
        assertThat(won).filteredOn(w -> w).hasSize(1);
    }

    @Test
    void badDocumentArgumentsAreRefusedAndChangeNothing() {
        ProviderStore docs = store.documents("test-idp");
        assertInternal(() -> docs.compareAndSet("k", 0, "not json", null));
        assertInternal(() -> docs.compareAndSet("k", 0, "[1]", null));
        assertInternal(() -> docs.compareAndSet("k", 0, "{\"a\":1,\"a\":2}", null));
        assertInternal(() -> docs.compareAndSet("", 0, "{}", null));
        assertInternal(() -> docs.compareAndSet("x".repeat(ProviderStore.MAX_KEY_LENGTH + 1), 0, "{}", null));
        assertInternal(() -> docs.compareAndSet("k", 0, "{}", "x".repeat(ProviderStore.MAX_INDEX_LENGTH + 1)));
        assertInternal(() -> docs.compareAndSet("k", 0, "{\"a\":\"" + "x".repeat(ProviderStore.MAX_DOCUMENT_LENGTH) + "\"}", null));
        assertInternal(() -> docs.compareAndSet("k", -1, "{}", null));
        assertInternal(() -> docs.compareAndSet("k\u0000", 0, "{}", null));
        assertInternal(() -> docs.compareAndSet("k", 0, "{}", "i\uD800"));
        assertInternal(() -> docs.get("k\u0000"));
        assertInternal(() -> docs.get(null));
        assertInternal(() -> docs.findByIndex(null));
        assertInternal(() -> docs.transaction(tx -> {
            tx.put("k", "{}", null);
            tx.put("k2", "nope", null);
            return null;
        }));
        assertThat(docs.get("k")).isEmpty();
        assertThat(docs.get("k2")).isEmpty();
    }

    // --- helpers ---

    protected NewUser newUser() {
        return newUser("u" + (++ids) + "-" + System.identityHashCode(this));
    }

    protected static NewUser newUser(String id) {
        return new NewUser(id, UserType.NORMAL, T0);
    }

    /** A session opened with the user's first identity. */
    private static StoredSession sessionOf(NewUser user, Identity identity, String hash) {
        return new StoredSession("s-" + hash, user.id(), "device", identity.providerType(), identity.subject(), hash, T0,
                T0.plusSeconds(3600));
    }

    private static StoredSession session(StoredUser user, String hash) {
        StoredIdentity identity = user.identities().get(0);
        return new StoredSession("s-" + hash, user.id(), "device", identity.providerType(), identity.subject(), hash, T0,
                T0.plusSeconds(3600));
    }

    private static void assertInternal(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
    }

}
