package dev.latchkey.core.client;

import static dev.latchkey.core.client.CacheStates.APP_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.latchkey.api.UserState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cache file's format (SECURITY.md 28): what {@link SessionCacheWriter} writes,
 * {@link SessionCacheReader} reads back whole; anything else is refused with
 * {@link CorruptSessionCacheException} and nothing else, and the message never quotes the file.
 */
class SessionCacheReaderTest {
    /** Put into tokens and keys of the files below: no refusal may quote it. */
    private static final String MARKER = "TOKEN-MARKER-0123456789abcdef";

    private static SessionCacheState annAndBob() {
        return new SessionCacheState("device-1", "ann",
                List.of(CacheStates.loggedIn("ann", "device-1", MARKER + "-access", MARKER + "-refresh", CacheStates.T0),
                        CacheStates.loggedOut("bob", "device-1")));
    }

    private static String valid() {
        return new String(SessionCacheWriter.write(APP_ID, annAndBob()), StandardCharsets.UTF_8);
    }

    /** The valid file with one change; users[0] is ann (logged in, current), users[1] bob (logged out). */
    private static String edited(Consumer<JsonObject> change) {
        JsonObject root = JsonParser.parseString(valid()).getAsJsonObject();
        change.accept(root);
        return root.toString();
    }

    private static JsonObject user(JsonObject root, int index) {
        return root.getAsJsonArray("users").get(index).getAsJsonObject();
    }

    private static JsonObject info(JsonObject root, int index) {
        return user(root, index).getAsJsonObject("info");
    }

    private static String refused(String text) {
        Throwable thrown = catchThrowable(() -> SessionCacheReader.read(text, APP_ID));
        assertThat(thrown).as("refused: %s", text.length() > 300 ? text.substring(0, 300) + "..." : text)
                .isInstanceOf(CorruptSessionCacheException.class);
        assertThat(thrown.getMessage()).as("the message never quotes the file").doesNotContain(MARKER);
        return thrown.getMessage();
    }

    private static String refused(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> SessionCacheReader.read(bytes, APP_ID));
        assertThat(thrown).isInstanceOf(CorruptSessionCacheException.class);
        return thrown.getMessage();
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        SessionCacheState state = new SessionCacheState("device-1", "ann",
                List.of(CacheStates.loggedIn("ann", "device-1", "access-a", "refresh-a", CacheStates.T0.plusMillis(1)),
                        CacheStates.loggedOut("bob", "device-1"),
                        CacheStates.loggedIn("cat", "device-0", "access-c", "refresh-c", CacheStates.T0)));
        SessionCacheState read = SessionCacheReader.read(SessionCacheWriter.write(APP_ID, state), APP_ID);
        assertThat(read).isEqualTo(state);
        assertThat(read.users()).extracting(u -> u.info().id()).containsExactly("ann", "bob", "cat");
    }

    @Test
    void anAppWithNoUsersRoundTrips() throws Exception {
        SessionCacheState state = SessionCacheState.empty("device-1");
        assertThat(SessionCacheReader.read(SessionCacheWriter.write(APP_ID, state), APP_ID)).isEqualTo(state);
    }

    @Test
    void theFileNamesItsVersionAndAppAndSpellsOutEveryNull() {
        assertThat(valid()).contains("\"version\": 1", "\"appId\": \"" + APP_ID + "\"", "\"accessToken\": null",
                "\"accessTokenExpiresAt\": null", "\"refreshToken\": null");
    }

    @Test
    void anyOtherVersionIsRefused() {
        assertThat(refused(edited(root -> root.addProperty("version", 2)))).contains("version 2 is not the supported version 1");
        refused(edited(root -> root.addProperty("version", 0)));
        refused(edited(root -> root.addProperty("version", 1.5)));
        refused(valid().replace("\"version\": 1", "\"version\": 1e2147483647"));
        refused(edited(root -> root.addProperty("version", "1")));
    }

    @Test
    void anotherAppsFileIsRefused() {
        assertThat(refused(SessionCacheWriter.write("other-app", SessionCacheState.empty("d")))).contains("another app");
    }

    @Test
    void everyTruncationIsRefused() {
        String text = valid();
        for (int length = 0; length < text.trim().length(); length++) {
            refused(text.substring(0, length));
        }
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        byte[] bytes = valid().getBytes(StandardCharsets.UTF_8);
        bytes[20] = (byte) 0xff;
        assertThat(refused(bytes)).contains("UTF-8");
    }

    @Test
    void moreThanTheBoundIsRefusedUnparsed() {
        byte[] bytes = new byte[SessionCacheReader.MAX_BYTES + 1];
        Arrays.fill(bytes, (byte) ' ');
        byte[] json = valid().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(json, 0, bytes, 0, json.length);
        assertThat(refused(bytes)).contains("larger than 67108864 bytes");
    }

    @Test
    void duplicateKeysAreRefusedWithoutQuotingThem() {
        refused(valid().replace("\"refreshToken\": \"" + MARKER, "\"refreshToken\": \"x\", \"refreshToken\": \"" + MARKER));
        refused(valid().replaceFirst("\\{", "{\"" + MARKER + "\": 1, \"" + MARKER + "\": 2, "));
    }

    @Test
    void nestingDeeperThanTheParsersBoundIsRefused() {
        String deep = "[".repeat(200) + "]".repeat(200);
        refused(valid().replaceFirst("\"customData\": \\{", "\"customData\": {\"deep\": " + deep + ", "));
    }

    @Test
    void customDataDeeperThanAUserMayHaveIsRefused() {
        JsonObject nested = new JsonObject();
        JsonObject inner = nested;
        for (int i = 0; i < 40; i++) {
            JsonObject next = new JsonObject();
            inner.add("a", next);
            inner = next;
        }
        assertThat(refused(edited(root -> info(root, 0).add("customData", nested)))).contains("users[0].info.customData");
    }

    @Test
    void wrongTypesAreRefused() {
        assertThat(refused(edited(root -> root.add("users", new JsonObject())))).contains("the file.users: not an array");
        assertThat(refused(edited(root -> info(root, 0).addProperty("disabled", "false")))).contains("users[0].info.disabled");
        refused(edited(root -> root.addProperty("deviceId", 1)));
        refused(edited(root -> info(root, 0).getAsJsonObject("profile").addProperty("minAge", "18")));
        refused(edited(root -> info(root, 0).getAsJsonObject("profile").addProperty("minAge", 1e100)));
        refused(edited(root -> info(root, 0).getAsJsonObject("profile").getAsJsonObject("extras").addProperty("locale", 7)));
        refused(edited(root -> info(root, 0).addProperty("createdAt", "yesterday")));
        refused(edited(root -> user(root, 0).addProperty("state", "logged_in")));
        refused(edited(root -> info(root, 0).add("type", JsonNull.INSTANCE)));
        refused(edited(root -> info(root, 0).add("customData", new JsonArray())));
        refused(edited(root -> info(root, 0).add("identities", new JsonPrimitive("none"))));
        refused(edited(root -> root.getAsJsonArray("users").add(new JsonPrimitive(MARKER))));
        refused("[]");
        refused("null");
        refused("{}");
        refused("");
    }

    @Test
    void missingAndUnknownFieldsAreRefused() {
        assertThat(refused(edited(root -> user(root, 0).remove("providerType")))).contains("users[0].providerType: missing");
        assertThat(refused(edited(root -> root.addProperty(MARKER, true)))).contains("the file: a field that is not part of version 1");
        refused(edited(root -> info(root, 1).getAsJsonObject("profile").addProperty("pronouns", "she")));
        refused(edited(root -> info(root, 1).getAsJsonObject("profile").remove("extras")));
    }

    @Test
    void aLoggedInUserHasTokensAndNoOtherUserHas() {
        refused(edited(root -> user(root, 0).add("refreshToken", JsonNull.INSTANCE)));
        refused(edited(root -> user(root, 0).add("accessTokenExpiresAt", JsonNull.INSTANCE)));
        refused(edited(root -> user(root, 1).addProperty("state", "LOGGED_IN")));
        refused(edited(root -> user(root, 1).addProperty("accessToken", MARKER)));
        assertThat(refused(edited(root -> user(root, 1).addProperty("state", "REMOVED")))).contains("never cached");
    }

    @Test
    void tokensAndIdsAreVisibleAscii() {
        refused(edited(root -> user(root, 0).addProperty("accessToken", "line\nbreak" + MARKER)));
        refused(edited(root -> user(root, 0).addProperty("refreshToken", "")));
        refused(edited(root -> user(root, 0).addProperty("accessToken", "x".repeat(16 * 1024 + 1))));
        refused(edited(root -> user(root, 1).addProperty("id", "b\u00f6b")));
    }

    /** The engine takes only {@code [A-Za-z0-9_-]{1,64}}: a device id it refuses would fail every log-in of the app for good. */
    @Test
    void aDeviceIdTheEngineWouldRefuseIsRefused() throws Exception {
        for (String bad : List.of("device.1", "device:1", "a/b", "d".repeat(65))) {
            assertThat(refused(edited(root -> root.addProperty("deviceId", bad)))).contains("the file.deviceId: not a device id");
            assertThat(refused(edited(root -> user(root, 1).addProperty("deviceId", bad)))).contains("users[1].deviceId: not a device id");
        }
        for (String good : List.of("d".repeat(64), "Az09_-")) {
            assertThat(SessionCacheReader.read(edited(root -> root.addProperty("deviceId", good)), APP_ID).deviceId()).isEqualTo(good);
        }
    }

    /** A number's digits are parsed in quadratic time: a 4 MiB literal would hold the app's start-up for minutes. */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNumberLiteralLongerThan64CharactersIsRefusedBeforeItIsParsed() throws Exception {
        String huge = "1".repeat(4_000_000);
        assertThat(refused(valid().replaceFirst("\"customData\": \\{", "\"customData\": {\"n\": " + huge + ", ")))
                .contains("a number longer than 64 characters");
        assertThat(refused(valid().replaceFirst("\"version\": 1", "\"version\": " + "0".repeat(64) + "1")))
                .contains("a number longer than 64 characters");
        String longest = "-0." + "0".repeat(60) + "1";
        SessionCacheState read = SessionCacheReader.read(valid().replaceFirst("\"customData\": \\{", "\"customData\": {\"n\": " + longest + ", "), APP_ID);
        assertThat(read.users().get(0).info().customData()).containsKey("n");
    }

    @Test
    void theCurrentUserIsALoggedInUserOfTheFile() {
        refused(edited(root -> root.addProperty("currentUserId", "nobody")));
        refused(edited(root -> root.addProperty("currentUserId", "bob")));
    }

    @Test
    void aUserAppearsOnce() {
        SessionCacheState twice = new SessionCacheState("d", null,
                List.of(CacheStates.loggedOut("ann", "d"), CacheStates.loggedOut("ann", "d")));
        assertThat(refused(SessionCacheWriter.write(APP_ID, twice))).contains("same id");
    }

    @Test
    void identitiesAndProviderTypesAreChecked() {
        refused(edited(root -> user(root, 0).addProperty("providerType", "Not A Type")));
        JsonObject identity = new JsonObject();
        identity.addProperty("providerType", "test-idp");
        identity.addProperty("subject", " ");
        identity.add("profile", JsonParser.parseString(valid()).getAsJsonObject().getAsJsonArray("users").get(0)
                .getAsJsonObject().getAsJsonObject("info").getAsJsonObject("profile"));
        refused(edited(root -> info(root, 0).getAsJsonArray("identities").add(identity)));
    }

    @Test
    void hugeNumbersInCustomDataAreReadQuickly() throws Exception {
        String text = valid().replaceFirst("\"customData\": \\{",
                "\"customData\": {\"big\": 1e2147483647, \"small\": -1e-2147483647, \"long\": 123456789012345678901234567890, ");
        SessionCacheState read = SessionCacheReader.read(text, APP_ID);
        assertThat(read.users().get(0).info().customData()).containsKeys("big", "small", "long");
    }

    /** A small stand-in for the coming fuzz target: damaged bytes are read or refused, never anything else. */
    @Test
    void randomDamageIsReadOrRefusedButNeverThrowsAnythingElse() {
        byte[] original = valid().getBytes(StandardCharsets.UTF_8);
        Random random = new Random(28);
        List<String> unexpected = new ArrayList<>();
        String alphabet = "{}[]\",:0-ntfu\\ ";
        for (int round = 0; round < 5000; round++) {
            byte[] damaged = original.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                int at = random.nextInt(damaged.length);
                damaged[at] = switch (random.nextInt(3)) {
                    case 0 -> (byte) random.nextInt(256);
                    case 1 -> (byte) alphabet.charAt(random.nextInt(alphabet.length()));
                    default -> (byte) (damaged[at] ^ (1 << random.nextInt(8)));
                };
            }
            try {
                SessionCacheState state = SessionCacheReader.read(damaged, APP_ID);
                assertThat(state.users()).allSatisfy(u -> assertThat(u.state()).isNotEqualTo(UserState.REMOVED));
            } catch (CorruptSessionCacheException expected) {
                if (expected.getMessage().contains(MARKER)) {
                    unexpected.add("round " + round + ": the message quotes the file");
                }
            } catch (RuntimeException | StackOverflowError e) {
                unexpected.add("round " + round + ": " + e);
            }
        }
        assertThat(unexpected).isEmpty();
    }
}
