package dev.tandem.api;

/** The web console's sign-in and its operators (docs/console.md). */
public final class ConsoleAnswers {
    private ConsoleAnswers() {}

    /** {@code POST /console/login}. */
    public record Login(String name, String password) {}

    /**
     * Who is signed in: {@code POST /console/login} and {@code GET /api/v1/session}.
     *
     * @param role "admin" or "read-only"; the bearer token acts as "admin"
     * @param csrf the token a signed-in browser sends in {@code X-CSRF-Token} with every change; null for the bearer
     *             token, which needs none
     */
    public record Session(String operator, String role, @Nullable String csrf) {}

    /** One operator, without its password. {@code created} is ISO-8601. */
    public record Operator(String name, String role, String created) {}

    /** {@code POST /api/v1/operators}. */
    public record NewOperator(String name, String role, String password) {}

    /** {@code PUT /api/v1/operators/{name}/password}. */
    public record Password(String password) {}

    public record OperatorRemoved(String removed) {}

    public record SignedOut(String operator) {}
}
