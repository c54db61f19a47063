package dev.latchkey.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body as it arrives, holding no thread while it waits: a client that sends its
 * headers and then trickles the body (or stops) costs a connection until the idle timeout, not one
 * of the pool's threads, so a few hundred of them cannot starve every other client. Jetty runs the
 * demand callback on a pool thread (a plain {@code Runnable} may block), where the outcome is
 * handed on once the body is whole, too large, or failed. Both the JSON API and the hosted pages
 * read their bodies this way.
 */
final class AsyncBody implements Runnable {

    /** How reading ended; exactly one method is called, once. */
    interface Outcome {
        /**
         * The whole body arrived.
         *
         * @param body its bytes, at most the limit
         */
        void read(byte[] body);

        /** The body is larger than the limit (checked as bytes arrive, whatever was declared). */
        void tooLarge();

        /**
         * The body could not be read.
         *
         * @param timedOut whether the connection's idle timeout ended it
         */
        void failed(boolean timedOut);
    }

    private final Request request;
    private final int max;
    private final Outcome outcome;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private AsyncBody(Request request, int max, Outcome outcome) {
        this.request = request;
        this.max = max;
        this.outcome = outcome;
    }

    /**
     * Starts reading; the outcome comes on this thread when the body is already there, later on a
     * pool thread otherwise.
     *
     * @param request the request
     * @param max the largest body taken, in bytes
     * @param outcome what to do with the result
     */
    static void read(Request request, int max, Outcome outcome) {
        new AsyncBody(request, max, outcome).run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                outcome.failed(chunk.getFailure() instanceof TimeoutException);
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            boolean last = chunk.isLast();
            int length = buffer.remaining();
            if (bytes.size() + (long) length > max) {
                chunk.release();
                outcome.tooLarge();
                return;
            }
            byte[] part = new byte[length];
            buffer.get(part);
            chunk.release();
            bytes.write(part, 0, length);
            if (last) {
                outcome.read(bytes.toByteArray());
                return;
            }
        }
    }
}
