package dev.latchkey.core.remote;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.EmailPasswordAuth;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.engine.Async;
import dev.latchkey.core.json.JsonTrees;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The {@code local-userpass} routes of the App Services client API, with the bodies the Realm
 * SDKs send: {@code register {email, password}}, {@code confirm {token, tokenId}},
 * {@code confirm/send {email}}, {@code confirm/call {email}}, {@code reset {token, tokenId, password}},
 * {@code reset/send {email}}, {@code reset/call {email, password, arguments}}. The server decides;
 * only missing arguments are refused here.
 */
final class RemoteEmailPasswordAuth implements EmailPasswordAuth {
    private static final String PROVIDER = "local-userpass";

    private final AppServicesHttp http;
    private final Executor worker;

    RemoteEmailPasswordAuth(AppServicesHttp http, Executor worker) {
        this.http = http;
        this.worker = worker;
    }

    @Override
    public void registerUser(String email, String password) {
        send(Route.REGISTER, body("email", email, "password", password), List.of(password), "register");
    }

    @Override
    public CompletableFuture<Void> registerUserAsync(String email, String password) {
        return Async.run(() -> registerUser(email, password), worker);
    }

    @Override
    public void confirmUser(String token, String tokenId) {
        send(Route.CONFIRM, body("token", token, "tokenId", tokenId), List.of(token), "confirm");
    }

    @Override
    public CompletableFuture<Void> confirmUserAsync(String token, String tokenId) {
        return Async.run(() -> confirmUser(token, tokenId), worker);
    }

    @Override
    public void resendConfirmationEmail(String email) {
        send(Route.CONFIRM_SEND, body("email", email), List.of(), "confirm", "send");
    }

    @Override
    public CompletableFuture<Void> resendConfirmationEmailAsync(String email) {
        return Async.run(() -> resendConfirmationEmail(email), worker);
    }

    @Override
    public void retryCustomConfirmation(String email) {
        send(Route.CONFIRM_CALL, body("email", email), List.of(), "confirm", "call");
    }

    @Override
    public CompletableFuture<Void> retryCustomConfirmationAsync(String email) {
        return Async.run(() -> retryCustomConfirmation(email), worker);
    }

    @Override
    public void sendResetPasswordEmail(String email) {
        send(Route.RESET_SEND, body("email", email), List.of(), "reset", "send");
    }

    @Override
    public CompletableFuture<Void> sendResetPasswordEmailAsync(String email) {
        return Async.run(() -> sendResetPasswordEmail(email), worker);
    }

    @Override
    public void resetPassword(String token, String tokenId, String newPassword) {
        JsonObject body = body("token", token, "tokenId", tokenId);
        body.addProperty("password", required("password", newPassword));
        send(Route.RESET, body, List.of(token, newPassword), "reset");
    }

    @Override
    public CompletableFuture<Void> resetPasswordAsync(String token, String tokenId, String newPassword) {
        return Async.run(() -> resetPassword(token, tokenId, newPassword), worker);
    }

    @Override
    public void callResetPasswordFunction(String email, String newPassword, Object... args) {
        JsonObject body = body("email", email, "password", newPassword);
        List<Object> arguments = args == null ? List.of() : new ArrayList<>(Arrays.asList(args));
        try {
            body.add("arguments", arguments.isEmpty() ? new JsonArray() : JsonTrees.toJson(arguments));
        } catch (IllegalArgumentException e) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the reset function's arguments must be JSON values "
                    + "(maps, lists, strings, numbers, booleans, null)");
        }
        send(Route.RESET_CALL, body, List.of(newPassword), "reset", "call");
    }

    @Override
    public CompletableFuture<Void> callResetPasswordFunctionAsync(String email, String newPassword, Object... args) {
        return Async.run(() -> callResetPasswordFunction(email, newPassword, args), worker);
    }

    private void send(Route route, JsonObject body, List<String> secrets, String... path) {
        String[] segments = new String[3 + path.length];
        segments[0] = "auth";
        segments[1] = "providers";
        segments[2] = PROVIDER;
        System.arraycopy(path, 0, segments, 3, path.length);
        http.exchange(route, "POST", http.appUrl(segments), body, null, secrets);
    }

    private static JsonObject body(String... namesAndValues) {
        JsonObject body = new JsonObject();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.addProperty(namesAndValues[i], required(namesAndValues[i], namesAndValues[i + 1]));
        }
        return body;
    }

    private static String required(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new AuthException(ErrorCode.INVALID_PARAMETER, "the " + name + " must not be empty");
        }
        return value;
    }
}
