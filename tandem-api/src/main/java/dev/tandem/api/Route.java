package dev.tandem.api;

import java.util.List;
import java.util.Map;

/**
 * One route of the admin API: what it takes and what it answers when it succeeds. Every failure answers an
 * {@link ApiError} with its status.
 *
 * @param method  GET, POST, PUT or DELETE
 * @param path    as the node registers it, with {@code {name}} for a path parameter
 * @param summary what it does, in one sentence
 * @param query   the query parameters it reads
 * @param request the body it takes
 * @param status  the status of a success
 * @param answer  the body of a success
 * @param errors  the statuses of its refusals, besides 401 and 429 (authentication), 403 for a change (a console
 *                session without its CSRF token, or a read-only operator), and 500, 503
 * @param others  statuses whose body is not an {@link ApiError}: a refused action says so in its own answer
 */
public record Route(String method, String path, String summary, List<String> query, Body request, int status,
                    Body answer, List<Integer> errors, Map<Integer, Body> others) {
    public Route {
        query = List.copyOf(query);
        errors = List.copyOf(errors);
        others = Map.copyOf(others);
    }

    public Route(String method, String path, String summary, List<String> query, Body request, int status,
                 Body answer, List<Integer> errors) {
        this(method, path, summary, query, request, status, answer, errors, Map.of());
    }

    /** Whether the route needs the bearer token: everything under /api does. */
    public boolean authenticated() {
        return path.startsWith("/api/");
    }
}
