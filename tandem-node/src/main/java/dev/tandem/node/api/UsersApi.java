package dev.tandem.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.api.UsersAnswers;
import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.Quote;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.StoreUnavailable;
import dev.tandem.node.store.User;
import dev.tandem.node.store.UserAdmin;
import dev.tandem.node.store.UserCsv;
import dev.tandem.node.store.UserDirectory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Users ([RG-ASSIGN]; [RG-LIMITS]): add, remove, list,
 * look up, import and export as CSV, move between groups and rebalance. {@code serving} is the node serving the
 * user now, from this node's in-memory directory and the node states it knows.
 */
final class UsersApi {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    /** What an import over the cap may still send, read and dropped, before the answer (see tooLarge). */
    private static final long DRAIN_BYTES = 64L << 20;

    private final TandemNode node;

    UsersApi(TandemNode node) {
        this.node = node;
    }

    void register(RoutesConfig r) {
        // Fixed paths first: they would otherwise read as user ids.
        r.get("/api/v1/users/export", this::export);
        r.post("/api/v1/users/import", this::importCsv);
        r.post("/api/v1/users/rebalance", ctx -> ctx.json(new UsersAnswers.Rebalanced(
                admin().rebalance(ClusterApi.who(ctx)), "moved users must log in again ([RG-MANUAL])")));
        r.get("/api/v1/users", this::list);
        r.post("/api/v1/users", this::add);
        r.get("/api/v1/users/{id}", this::get);
        r.delete("/api/v1/users/{id}", this::remove);
        r.post("/api/v1/users/{id}/move", this::move);
    }

    private UserAdmin admin() {
        return new UserAdmin(node.store().store(), node.store()::states);
    }

    private UsersAnswers.User view(User u, Boolean mustLogInAgain) {
        return new UsersAnswers.User(u.id(), u.group(), u.home(), node.users().serving(NodeId.of(u.home())).value(),
                mustLogInAgain);
    }

    static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            int i = Integer.parseInt(v.strip());
            if (i >= min && i <= max) return i;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid(name, v, "a whole number from " + min + " to " + max + " (default " + dflt + ")");
    }

    private void list(Context ctx) {
        int limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String group = blankToNull(ctx.queryParam("group"));
        String home = blankToNull(ctx.queryParam("node"));
        String after = blankToNull(ctx.queryParam("after"));
        String serving = blankToNull(ctx.queryParam("serving"));
        List<User> page;
        if (serving == null) {
            page = node.store().store().users(group, home, after, limit);
        } else {
            // The users a node serves now: those at home there while it serves them, and its peer's while it covers
            // for it. One page of each home, merged by id: the next page starts after the last id either way.
            java.util.TreeMap<String, User> merged = new java.util.TreeMap<>();
            for (NodeId h : node.users().homesServedBy(NodeId.of(serving))) {
                if (home != null && !home.equals(h.value())) continue;
                for (User u : node.store().store().users(group, h.value(), after, limit)) merged.put(u.id(), u);
            }
            page = merged.values().stream().limit(limit).toList();
        }
        ctx.json(new UsersAnswers.Page(page.stream().map(u -> view(u, null)).toList(),
                page.size() == limit ? page.get(page.size() - 1).id() : null));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** From the store; while it is unreachable, from this node's directory (what the redirect uses). */
    private void get(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<User> u;
        try {
            if (!node.store().reachable()) throw new StoreUnavailable(node.store().lastError(), null);
            u = node.store().store().user(id);
        } catch (StoreUnavailable e) {
            UserDirectory d = node.users();
            u = d.placement(id).map(p -> new User(id, p.group(), p.home().value()));
            ctx.header("X-Tandem-Settings", "cache; the store is unreachable");
        }
        ctx.json(view(u.orElseThrow(() -> new UserAdmin.NotFound("no user '" + Quote.prefix(id) + "'")), null));
    }

    private void add(Context ctx) {
        JsonNode b = ClusterApi.body(ctx);
        if (!b.isObject()) throw new Invalid("body", b.toString(), "{\"id\": ..., \"group\": ..., \"home\": ...}");
        SettingsDocument.keys(b, "", java.util.Set.of("id", "group", "home"), SettingsDocument.json());
        User u = admin().add(ClusterApi.who(ctx), text(b, "id"), text(b, "group"), text(b, "home"));
        ctx.status(201).json(view(u, null));
    }

    private static String text(JsonNode b, String key) {
        JsonNode n = b.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual() || n.asText().isBlank()) throw new Invalid(key, n.toString(), "a non-empty text");
        return n.asText().strip();
    }

    private void remove(Context ctx) {
        String id = ctx.pathParam("id");
        admin().remove(ClusterApi.who(ctx), id);
        ctx.json(new UsersAnswers.Removed(id));
    }

    private void move(Context ctx) {
        JsonNode b = ClusterApi.body(ctx);
        if (!b.isObject()) throw new Invalid("body", b.toString(), "{\"group\": ...}");
        SettingsDocument.keys(b, "", java.util.Set.of("group", "home"), SettingsDocument.json());
        User u = admin().move(ClusterApi.who(ctx), ctx.pathParam("id"), text(b, "group"), text(b, "home"));
        // [RG-LIMITS], IM and Presence status: a user moved to another group must log out and in again.
        ctx.json(view(u, true));
    }

    /**
     * Reads the CSV from the request stream (never the whole body as one string) under {@code admin.maxImportBytes};
     * a body over it is refused with 413 before anything is written (the import is all or nothing).
     */
    private void importCsv(Context ctx) throws IOException {
        long max = node.config().admin().maxImportBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            // Asking for the stream sends "100 Continue" to a client that waits for it: refuse such a one unread.
            boolean waits = "100-continue".equalsIgnoreCase(ctx.header("Expect"));
            throw tooLarge(waits ? null : ctx.req().getInputStream(), max);
        }
        InputStream raw = ctx.req().getInputStream();
        InputStream body = new CappedInputStream(raw, max, () -> tooLarge(raw, max));
        UserAdmin.Imported r;
        try {
            r = admin().importCsv(ClusterApi.who(ctx), new InputStreamReader(body, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        } catch (RuntimeException refused) {
            // A bad line is found before the whole file has come: the rest is read and dropped before the answer, as
            // for one over the cap, so that the client gets the answer naming the line instead of a reset.
            drain(raw);
            throw refused;
        }
        ctx.json(new UsersAnswers.Imported(r.imported(), r.assigned(), r.epoch()));
    }

    /**
     * The 413 for an import over the cap, answered once the rest of {@code unread} is read and dropped (at most
     * {@link #DRAIN_BYTES} more): a server that closes with unread bytes makes its kernel reset the connection, and
     * the client can lose the answer before it reads it. {@code unread} is null when nothing was asked for.
     */
    private static AdminApi.ApiError tooLarge(InputStream unread, long max) {
        if (unread != null) drain(unread);
        return new AdminApi.ApiError(413, AdminApi.tooLarge(max, "admin.maxImportBytes"));
    }

    /** Reads and drops what is left of a request's body, at most {@link #DRAIN_BYTES}. */
    private static void drain(InputStream unread) {
        byte[] sink = new byte[1 << 16];
        try {
            for (long left = DRAIN_BYTES; left > 0; ) {
                int n = unread.read(sink, 0, (int) Math.min(sink.length, left));
                if (n < 0) break;
                left -= n;
            }
        } catch (IOException e) {
            // The client went away: there is nobody left to answer.
        }
    }

    private void export(Context ctx) throws IOException {
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=users.csv");
        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 1 << 16);
        w.write(UserCsv.HEADER + "\n");
        node.store().store().exportUsers(u -> {
            try {
                // Escaped so that a spreadsheet shows a cell starting with = + - @ as text (docs/store.md).
                w.write(UserCsv.escape(u.id()));
                w.write(',');
                w.write(UserCsv.escape(u.group()));
                w.write(',');
                w.write(UserCsv.escape(u.home()));
                w.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        w.flush();
    }
}
