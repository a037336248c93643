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
