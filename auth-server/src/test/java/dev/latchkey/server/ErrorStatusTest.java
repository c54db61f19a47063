package dev.latchkey.server;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every ErrorCode's HTTP status and body, as the README's table says. */
class ErrorStatusTest {
    /** The README's table, written out again: a change to either must be deliberate. */
    private static final Map<ErrorCode, Integer> EXPECTED = new EnumMap<>(Map.ofEntries(
            Map.entry(ErrorCode.INVALID_CREDENTIALS, 401), Map.entry(ErrorCode.MALFORMED, 400),
            Map.entry(ErrorCode.INVALID_PARAMETER, 400), Map.entry(ErrorCode.PROVIDER_NOT_FOUND, 404),
            Map.entry(ErrorCode.PROVIDER_DISABLED, 404), Map.entry(ErrorCode.USER_NOT_FOUND, 404),
            Map.entry(ErrorCode.USER_DISABLED, 401), Map.entry(ErrorCode.USER_NOT_CONFIRMED, 401),
            Map.entry(ErrorCode.USER_ALREADY_CONFIRMED, 409), Map.entry(ErrorCode.ACCOUNT_NAME_IN_USE, 409),
            Map.entry(ErrorCode.IDENTITY_IN_USE, 409), Map.entry(ErrorCode.BAD_PASSWORD, 400),
            Map.entry(ErrorCode.USERPASS_TOKEN_INVALID, 400), Map.entry(ErrorCode.INVALID_SESSION, 401),
            Map.entry(ErrorCode.API_KEY_NOT_FOUND, 404), Map.entry(ErrorCode.API_KEY_ALREADY_EXISTS, 409),
            Map.entry(ErrorCode.LIMIT_EXCEEDED, 400), Map.entry(ErrorCode.OPERATION_NOT_ALLOWED, 400),
            Map.entry(ErrorCode.FUNCTION_EXECUTION, 400), Map.entry(ErrorCode.NETWORK, 502),
            Map.entry(ErrorCode.PROVIDER_BACKEND, 502), Map.entry(ErrorCode.RATE_LIMITED, 429),
            Map.entry(ErrorCode.CONFIGURATION, 500), Map.entry(ErrorCode.INTERNAL, 500)));

    @Test
    void theTableCoversEveryCode() {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(ErrorCode.values());
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void eachCodeHasItsStatusAndItsAppServicesName(ErrorCode code) {
        ApiResponse answer = ApiHandler.error(new AuthException(code, "what was wrong"));
        assertThat(answer.status()).isEqualTo(EXPECTED.get(code));
        JsonObject body = JsonParser.parseString(answer.json()).getAsJsonObject();
        assertThat(body.get("error_code").getAsString()).isEqualTo(code.wireName());
        if (answer.status() == 500) {
            assertThat(body.get("error").getAsString()).as("internal detail stays in the server log").isEqualTo("internal server error");
        } else {
            assertThat(body.get("error").getAsString()).isEqualTo("what was wrong");
        }
        assertThat(answer.headers()).doesNotContainKey("Retry-After");
    }

    @Test
    void rateLimitedIs429WithRetryAfterInWholeSeconds() {
        ApiResponse answer = ApiHandler.error(AuthException.retryLater(ErrorCode.RATE_LIMITED, "too many attempts",
                Duration.ofMillis(41_200)));
        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.headers()).containsEntry("Retry-After", "42");
        assertThat(answer.json()).contains("\"error_code\":\"TooManyRequests\"");
    }
}
