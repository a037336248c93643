package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tandem operators ...}: who may sign in to the web console, and with which role (docs/console.md). An admin
 * changes everything the API changes; a read-only operator sees the console without a single button. The password
 * is never an argument (it would stay in the shell's history and in the process list): {@code --password} asks for
 * it, {@code --password-file} reads the first line of a file.
 */
@Command(name = "operators", mixinStandardHelpOptions = true, description = "The web console's operators and their roles.",
        subcommands = {OperatorsCommand.ListOperators.class, OperatorsCommand.Add.class, OperatorsCommand.Remove.class,
                OperatorsCommand.Passwd.class})
public final class OperatorsCommand implements java.util.concurrent.Callable<Integer> {
    static final String PATH = "/api/v1/operators";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return AdminCommand.usage(spec);
    }

    static String table(JsonNode operators) {
        Table t = new Table("Operator", "Role", "Created");
        for (JsonNode o : operators) t.row(o.path("name").asText(), o.path("role").asText(), o.path("created").asText());
        return t.isEmpty() ? "No operators: add one with 'tandem operators add NAME --role admin'.\n" : t.render();
    }

    /** A command that needs a new password: asked for (--password) or read from a file, never on the command line. */
    abstract static class WithPassword extends AdminCommand {
        @Option(names = "--password", interactive = true, arity = "0",
                description = "Ask for the password (on the terminal, else one line of standard input).")
        char[] asked;
        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
        Path passwordFile;

        String password() throws IOException {
            if (passwordFile != null && asked != null) {
                throw new CliFailure(CliFailure.USAGE, "give --password or --password-file, not both");
            }
            if (asked != null) return new String(asked);
            if (passwordFile == null) {
                throw new CliFailure(CliFailure.USAGE, "a password is needed: --password (asked for) or --password-file FILE");
            }
            try {
                return Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst()
                        .orElseThrow(() -> new CliFailure(CliFailure.USAGE, "--password-file: " + passwordFile + " is empty"));
            } catch (NoSuchFileException e) {
                throw new CliFailure(CliFailure.USAGE, "--password-file: no such file " + passwordFile);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every operator and its role.")
    public static final class ListOperators extends AdminCommand {
        @Override
        protected int execute() {
            JsonNode all = api().get(PATH);
            print(all, table(all));
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an operator.")
    public static final class Add extends WithPassword {
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--role", paramLabel = "ROLE", required = true, description = "admin or read-only.") String role;

        @Override
        protected int execute() throws IOException {
            if (!role.equals("admin") && !role.equals("read-only")) {
                throw new CliFailure(CliFailure.USAGE, "--role: '" + role + "' is not allowed; allowed: admin, read-only");
            }
            ObjectNode body = AdminHttp.JSON.createObjectNode().put("name", name).put("role", role).put("password", password());
            JsonNode o = api().post(PATH, body);
            print(o, "added operator " + name + " (" + role + ")\n");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove an operator; its console sessions end. The last admin cannot be removed.")
    public static final class Remove extends AdminCommand {
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        protected int execute() {
            JsonNode r = api().delete(PATH + "/" + encode(name));
            print(r, "removed operator " + name + "\n");
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = "Set an operator's password; its other console sessions end.")
    public static final class Passwd extends WithPassword {
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        protected int execute() throws IOException {
            JsonNode o = api().put(PATH + "/" + encode(name) + "/password",
                    AdminHttp.JSON.createObjectNode().put("password", password()));
            print(o, "set the password of " + name + "\n");
            return 0;
        }
    }
}
