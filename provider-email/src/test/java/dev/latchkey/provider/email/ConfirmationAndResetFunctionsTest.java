package dev.latchkey.provider.email;

import static dev.latchkey.provider.email.EmailFixture.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Session;
import dev.latchkey.testkit.EngineHarness;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Confirmation and password reset decided by functions the application registers. */
class ConfirmationAndResetFunctionsTest {
    private static final String ANN = "ann@example.com";
    private static final String PASSWORD = "a long enough secret";

    private final EmailFixture fixture = new EmailFixture();
    private final List<ConfirmationRequest> confirmations = new CopyOnWriteArrayList<>();
    private final List<ResetRequest> resets = new CopyOnWriteArrayList<>();
    private volatile Function<ConfirmationRequest, FunctionResult> confirmDecision = r -> FunctionResult.success();
    private volatile Function<ResetRequest, FunctionResult> resetDecision = r -> FunctionResult.success();
    private final EngineHarness engine = fixture.engine(settings -> {
        settings.remove("emailConfirmationUrl");
        settings.remove("resetPasswordUrl");
        settings.remove("smtp");
        settings.put("runConfirmationFunction", true);
        settings.put("runResetFunction", true);
    }, builder -> builder
            .service(ConfirmationFunction.class, request -> {
                confirmations.add(request);
                return confirmDecision.apply(request);
            })
            .service(ResetFunction.class, request -> {
                resets.add(request);
                return resetDecision.apply(request);
            }));
    private final EmailPasswordAuth accounts = engine.app().emailPassword();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aConfirmationFunctionThatSucceedsConfirmsAtOnce() {
        accounts.registerUser(ANN, PASSWORD);
        assertThat(confirmations).singleElement().satisfies(r -> {
            assertThat(r.email()).isEqualTo(ANN);
            assertThat(r.token()).hasSizeGreaterThanOrEqualTo(43);
            assertThat(r.toString()).doesNotContain(r.token());
        });
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
    }

    @Test
    void aPendingConfirmationIsFinishedLaterWithTheFunctionsToken() {
        confirmDecision = r -> FunctionResult.pending();
        accounts.registerUser(ANN, PASSWORD);
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD)), ErrorCode.USER_NOT_CONFIRMED);

        ConfirmationRequest request = confirmations.get(0);
        accounts.confirmUser(request.token(), request.tokenId());
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
    }

    @Test
    void aFailedConfirmationCreatesNoAccount() {
        confirmDecision = r -> FunctionResult.fail("not on the guest list");
        assertCode(() -> accounts.registerUser(ANN, PASSWORD), ErrorCode.FUNCTION_EXECUTION, "not on the guest list");
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD)), ErrorCode.INVALID_CREDENTIALS);
        ConfirmationRequest refused = confirmations.get(0);
        assertCode(() -> accounts.confirmUser(refused.token(), refused.tokenId()), ErrorCode.USERPASS_TOKEN_INVALID);

        confirmDecision = r -> FunctionResult.success();
        accounts.registerUser(ANN, PASSWORD);
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
    }

    @Test
    void aFunctionThatThrowsOrAnswersNothingFailsWithItsMessageAndNoStackTrace() {
        confirmDecision = r -> {
            throw new IllegalStateException("directory\r\nservice down");
        };
        assertCode(() -> accounts.registerUser(ANN, PASSWORD), ErrorCode.FUNCTION_EXECUTION,
                "IllegalStateException: directory service down");
        confirmDecision = r -> null;
        assertCode(() -> accounts.registerUser(ANN, PASSWORD), ErrorCode.FUNCTION_EXECUTION, "returned no result");
        confirmDecision = r -> FunctionResult.fail("x".repeat(10_000));
        AuthException tooLong = catchThrowableOfType(AuthException.class, () -> accounts.registerUser(ANN, PASSWORD));
        assertThat(tooLong.code()).isEqualTo(ErrorCode.FUNCTION_EXECUTION);
        assertThat(tooLong.getMessage()).hasSizeLessThan(300);
        assertThat(tooLong.getCause()).isNull();
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD)), ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void retryingACustomConfirmationRunsTheFunctionAgain() {
        confirmDecision = r -> FunctionResult.pending();
        accounts.registerUser(ANN, PASSWORD);
        confirmDecision = r -> FunctionResult.fail("still checking");
        assertCode(() -> accounts.retryCustomConfirmation(ANN), ErrorCode.FUNCTION_EXECUTION, "still checking");
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD)), ErrorCode.USER_NOT_CONFIRMED);

        confirmDecision = r -> FunctionResult.success();
        accounts.retryCustomConfirmationAsync(ANN).join();
        assertThat(confirmations).hasSize(3);
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
        assertCode(() -> accounts.retryCustomConfirmation(ANN), ErrorCode.USER_ALREADY_CONFIRMED);
        assertCode(() -> accounts.retryCustomConfirmation("nobody@example.com"), ErrorCode.USER_NOT_FOUND);
        assertCode(() -> accounts.resendConfirmationEmail(ANN), ErrorCode.OPERATION_NOT_ALLOWED, "emailConfirmationUrl");
    }

    @Test
    void aResetFunctionThatSucceedsChangesThePasswordAndEndsSessions() {
        accounts.registerUser(ANN, PASSWORD);
        Session before = engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));

        accounts.callResetPasswordFunction(ANN, "the new password", "security answer", 42, Map.of("pet", "cat"));

        assertThat(resets).singleElement().satisfies(r -> {
            assertThat(r.email()).isEqualTo(ANN);
            assertThat(r.newPassword()).isEqualTo("the new password");
            assertThat(r.currentPasswordValid()).isFalse();
            assertThat(r.args()).containsExactly("security answer", 42L, Map.of("pet", "cat"));
            assertThat(r.toString()).doesNotContain("the new password").doesNotContain(r.token());
        });
        assertCode(() -> engine.service().refresh(before.refreshToken()), ErrorCode.INVALID_SESSION);
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD)), ErrorCode.INVALID_CREDENTIALS);
        engine.service().logIn(Credentials.emailPassword(ANN, "the new password"));
    }

    @Test
    void theResetFunctionIsToldWhetherTheNewPasswordIsTheCurrentOne() {
        accounts.registerUser(ANN, PASSWORD);
        resetDecision = r -> r.currentPasswordValid() ? FunctionResult.fail("choose a new password") : FunctionResult.success();
        assertCode(() -> accounts.callResetPasswordFunction(ANN, PASSWORD), ErrorCode.FUNCTION_EXECUTION, "choose a new password");
        assertThat(resets.get(0).currentPasswordValid()).isTrue();
        assertThat(resets.get(0).args()).isEmpty();
    }

    @Test
    void aPendingResetIsFinishedLaterAndARefusedOneChangesNothing() {
        accounts.registerUser(ANN, PASSWORD);
        resetDecision = r -> FunctionResult.fail("wrong security answer");
        assertCode(() -> accounts.callResetPasswordFunction(ANN, "the new password", "bad answer"), ErrorCode.FUNCTION_EXECUTION,
                "wrong security answer");
        ResetRequest refused = resets.get(0);
        assertCode(() -> accounts.resetPassword(refused.token(), refused.tokenId(), "the new password"), ErrorCode.USERPASS_TOKEN_INVALID);
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));

        resetDecision = r -> FunctionResult.pending();
        accounts.callResetPasswordFunctionAsync(ANN, "the new password").join();
        engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD));
        ResetRequest pending = resets.get(1);
        accounts.resetPassword(pending.token(), pending.tokenId(), "the new password");
        engine.service().logIn(Credentials.emailPassword(ANN, "the new password"));
    }

    @Test
    void resetFunctionCallsAreCheckedFirst() {
        assertCode(() -> accounts.callResetPasswordFunction("nobody@example.com", "the new password"), ErrorCode.USER_NOT_FOUND);
        accounts.registerUser(ANN, PASSWORD);
        assertCode(() -> accounts.callResetPasswordFunction(ANN, "short"), ErrorCode.BAD_PASSWORD);
        assertCode(() -> accounts.callResetPasswordFunction(ANN, "the new password", new Object()), ErrorCode.MALFORMED);
        assertCode(() -> accounts.sendResetPasswordEmail(ANN), ErrorCode.OPERATION_NOT_ALLOWED, "resetPasswordUrl");
        assertThat(resets).isEmpty();
    }

    @Test
    void aFunctionTheSettingsAskForMustBeRegistered() {
        assertCode(() -> fixture.engine(settings -> {
            settings.remove("emailConfirmationUrl");
            settings.put("runConfirmationFunction", true);
        }), ErrorCode.CONFIGURATION, "registered no ConfirmationFunction", ".service(ConfirmationFunction.class, ...)");
    }

    @Test
    void theResetFunctionIsNoUnthrottledPasswordOracle() {
        accounts.registerUser(ANN, PASSWORD);
        resetDecision = r -> r.currentPasswordValid() ? FunctionResult.fail("choose a new password") : FunctionResult.pending();
        for (int i = 0; i < 10; i++) {
            accounts.callResetPasswordFunction(ANN, "guess number " + i);
        }
        AuthException limited = catchThrowableOfType(AuthException.class, () -> accounts.callResetPasswordFunction(ANN, PASSWORD));
        assertThat(limited.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(resets).hasSize(10);
        // The guesses count against the account's log-in budget too.
        assertCode(() -> engine.service().logIn(Credentials.emailPassword(ANN, PASSWORD)), ErrorCode.RATE_LIMITED);
    }
}
