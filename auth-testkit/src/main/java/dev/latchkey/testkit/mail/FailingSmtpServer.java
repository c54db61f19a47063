package dev.latchkey.testkit.mail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server on the loopback address that never takes a mail, for tests of how a sender fails:
 * {@link #refusing()} greets every connection with {@code 554} and hangs up (a server that refuses
 * service, RFC 5321 §3.1); {@link #stalling()} accepts every connection and never says a word, so
 * only the sender's read timeout gets it out. The third failure, a server that is down, needs no
 * server: {@link FakeMailbox#unusedPort()}.
 *
 * <pre>{@code
 * try (FailingSmtpServer server = FailingSmtpServer.stalling()) {
 *     // point the sender at server.host() / server.port() with a short timeout
 * }
 * }</pre>
 *
 * <p>One daemon thread accepts; {@link #close()} closes the listening socket and every connection
 * held. Thread-safe.
 */
public final class FailingSmtpServer implements AutoCloseable {
    /** The greeting of a refusing server. */
    public static final String REFUSAL = "554 5.3.2 fake server refuses all mail";

    private final boolean stall;
    private final ServerSocket listener;
    private final List<Socket> held = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private boolean closed;

    private FailingSmtpServer(boolean stall) {
        this.stall = stall;
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port", e);
        }
        Thread acceptor = new Thread(this::acceptAll, "FailingSmtpServer-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server that greets with {@link #REFUSAL} and closes the connection.
     *
     * @return the running server
     */
    public static FailingSmtpServer refusing() {
        return new FailingSmtpServer(false);
    }

    /**
     * Starts a server that accepts connections and never answers.
     *
     * @return the running server
     */
    public static FailingSmtpServer stalling() {
        return new FailingSmtpServer(true);
    }

    /**
     * The address to connect to.
     *
     * @return {@code 127.0.0.1}
     */
    public String host() {
        return "127.0.0.1";
    }

    /**
     * The port to connect to.
     *
     * @return the port
     */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * How many connections came in so far: how often a sender tried.
     *
     * @return the count
     */
    public int connections() {
        return connections.get();
    }

    /** Stops listening and drops every connection. Idempotent. */
    @Override
    public void close() {
        List<Socket> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(held);
            held.clear();
        }
        closeQuietly(listener);
        toClose.forEach(FailingSmtpServer::closeQuietly);
    }

    private void acceptAll() {
        while (true) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            if (stall) {
                synchronized (this) {
                    if (!closed) {
                        held.add(socket);
                        continue;
                    }
                }
                closeQuietly(socket);
            } else {
                try (socket) {
                    OutputStream out = socket.getOutputStream();
                    out.write((REFUSAL + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // The client went away first: nothing to refuse.
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Closing for good: nothing left to do with the error.
        }
    }
}
