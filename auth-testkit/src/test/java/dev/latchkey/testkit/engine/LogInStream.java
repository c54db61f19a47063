package dev.latchkey.testkit.engine;

import dev.latchkey.api.AuthService;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.Session;
import dev.latchkey.core.Latchkey;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link CrashSafetyTest}: an engine on the embedded store in the given data
 * directory, logging in anonymous users on several threads until it is killed. After each log-in
 * returns it prints {@code OK <user id> <refresh token>}: a promise that the log-in is durable.
 */
public final class LogInStream {
    static final String CONFIG = """
            { "providers": { "anon-user": { "enabled": true } } }
            """;

    static final int WRITERS = 4;

    private LogInStream() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDirectory = Path.of(args[0]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        AuthService engine = Latchkey.service("crash-app").dataDirectory(dataDirectory).config(CONFIG).build();
        out.println("READY");
        Runnable stream = () -> {
            while (true) {
                Session s = engine.logIn(Credentials.anonymous());
                synchronized (out) {
                    out.println("OK " + s.user().id() + " " + s.refreshToken());
                }
            }
        };
        // Several writers at once: commits that overlap are where a store can lose one.
        for (int i = 2; i <= WRITERS; i++) {
            new Thread(stream, "log-in-stream-" + i).start();
        }
        stream.run();
    }
}
