package dev.tandem.node.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.Quote;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON body of an error that the HTTP layer itself answers (a header too large, a URI too long, a malformed
 * request, too many connections, a body over the cap): {@code {"error": CODE, "message": TEXT, "status": N}}, the
 * same on every server of the node, never an HTML page (docs/node.md, HTTP limits).
 */
public final class HttpErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpErrors() {}

    /** A short, stable code for a status, what clients branch on. */
    public static String code(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 404 -> "no-such-resource";
            case 405 -> "method-not-allowed";
            case 408 -> "request-timeout";
            case 413 -> "body-too-large";
            case 414 -> "uri-too-long";
            case 429 -> "too-many-requests";
            case 431 -> "header-too-large";
            case 500 -> "internal";
            case 503 -> "unavailable";
            case 505 -> "http-version-not-supported";
            default -> "http-" + status;
        };
    }

    /**
     * Whether {@code e}, thrown while a handler read the request, is the client's fault: a body that is not valid HTTP
     * (a bad chunk, a length that lies: a Jetty HttpException of a 4xx code) or that ended before it said it would (the
     * connection closed early). Then the answer is that status with the reason, never a 500.
     */
    public static java.util.Optional<Refused> clientFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // Checked first: Jetty reports an early end of a body as a bad request too, and this says what happened.
            if (t instanceof org.eclipse.jetty.io.EofException || t instanceof java.io.EOFException) {
                return java.util.Optional.of(new Refused(400, "the request's body ended early or is not valid HTTP"));
            }
            if (t instanceof org.eclipse.jetty.http.HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
                return java.util.Optional.of(new Refused(h.getCode(), "the request is not valid HTTP: " + h.getReason()));
            }
        }
        return java.util.Optional.empty();
    }

    /** A status and why, for a request refused as the client's fault. */
    public record Refused(int status, String message) {}

    /** The error body; the message is quoted short ({@link Quote#prefix}), whatever the request held. */
    public static Map<String, Object> body(int status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", code(status));
        m.put("message", Quote.prefix(message == null ? code(status) : message));
        m.put("status", status);
        return m;
    }

    public static byte[] bytes(int status, String message) {
        try {
            return JSON.writeValueAsBytes(body(status, message));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
