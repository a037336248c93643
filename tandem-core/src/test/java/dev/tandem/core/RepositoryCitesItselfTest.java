package dev.tandem.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository explains itself: every file cites the project's own docs (docs/specification.md by tag,
 * docs/architecture.md, docs/decisions/), never a text that lives outside the repository, and every tag it
 * cites is defined in docs/specification.md. Reads the files git tracks (or, without git, every file under the
 * root but build output), so a new file is checked the moment it is added.
 */
class RepositoryCitesItselfTest {
    /** The specification texts by their old file numbers, even split over a comment's line break. */
    static final Pattern OUTSIDE_SPEC = Pattern.compile(
            "(?i)\\bseeds?\\s+(?:(?://|\\*|#|--|!)\\s*)?00[04]\\b");
    /** The design text and the shared folder that held it and the specification texts. */
    static final Pattern OUTSIDE_DESIGN = Pattern.compile("(?i)\\bDESIGN\\.md\\b|\\.\\./shared\\b");
    /** A tag: two capitals naming the document, a dash, capitals or digits naming the part. */
    static final Pattern TAG = Pattern.compile("\\[([A-Z]{2}-[A-Z0-9]+)\\]");
    /** Where docs/specification.md defines a tag: its own heading. */
    static final Pattern DEFINITION = Pattern.compile("(?m)^### \\[([A-Z]{2}-[A-Z0-9]+)\\]");
    /** A row of the tag table at the top of docs/specification.md. */
    static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| \\[([A-Z]{2}-[A-Z0-9]+)\\] \\|");

    /**
     * Applied Flyway migrations keep their text as it was: changing a byte changes the checksum, and every store
     * that already ran the migration would refuse to start.
     */
    static final String APPLIED_MIGRATIONS = "/src/main/resources/db/migration/";
    static final String SPECIFICATION = "docs/specification.md";

    private static Path root;
    private static List<String> files;

    @BeforeAll
    static void findFiles() throws Exception {
        root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve(SPECIFICATION)) && root.getParent() != null) root = root.getParent();
        assertThat(root.resolve(SPECIFICATION)).as("the repository root, holding " + SPECIFICATION).exists();
        files = tracked(root);
        assertThat(files).as("files found under " + root).contains(SPECIFICATION, "README.md");
    }

    @Test
    void noFileCitesATextOutsideTheRepository() {
        List<String> found = new ArrayList<>();
        for (String file : files) {
            if (file.contains(APPLIED_MIGRATIONS) || file.startsWith(APPLIED_MIGRATIONS.substring(1))) continue;
            String text = read(file);
            if (text == null) continue;
            for (Pattern p : List.of(OUTSIDE_SPEC, OUTSIDE_DESIGN)) {
                Matcher m = p.matcher(text);
                while (m.find()) found.add(file + ":" + line(text, m.start()) + ": \"" + m.group() + "\"");
            }
        }
        assertThat(found).as("citations of texts outside the repository; cite a tag of " + SPECIFICATION
                + " (for example the heartbeat parameters' tag) or a section of docs/architecture.md instead")
                .isEmpty();
    }

    @Test
    void everyCitedTagIsDefinedInTheSpecification() {
        Set<String> defined = definedTags();
        List<String> undefined = new ArrayList<>();
        for (String file : files) {
            String text = read(file);
            if (text == null) continue;
            Matcher m = TAG.matcher(text);
            while (m.find()) {
                if (!defined.contains(m.group(1))) undefined.add(file + ":" + line(text, m.start()) + ": " + m.group());
            }
        }
        assertThat(undefined).as("tags cited but not defined by a '### [TAG]' heading in " + SPECIFICATION
                + "; defined: " + defined).isEmpty();
    }

    @Test
    void theTagTableAndTheSectionsListTheSameTags() {
        String spec = read(SPECIFICATION);
        Set<String> rows = all(TABLE_ROW, spec);
        assertThat(rows).as("tags in the table at the top of " + SPECIFICATION).isNotEmpty();
        assertThat(definedTags()).as("tags with a section in " + SPECIFICATION + " against the table's rows")
                .isEqualTo(rows);
    }

    /** The checks themselves, on text: each pattern finds what it must and leaves random seeds alone. */
    @Test
    void thePatternsFindOutsideCitationsAndNothingElse() {
        String spec = "seed" + " 000";
        assertThat(OUTSIDE_SPEC.matcher("(" + spec + " Table 2)").find()).isTrue();
        assertThat(OUTSIDE_SPEC.matcher("Seed" + " 004, Keepalive Messages").find()).isTrue();
        assertThat(OUTSIDE_SPEC.matcher("described by Seed\n * 004").find()).isTrue();
        assertThat(OUTSIDE_SPEC.matcher("seed 7; --seed 124513; a fault seed").find()).isFalse();
        assertThat(OUTSIDE_SPEC.matcher("scenarios/seed-000/x.scenario, 0003-seed-000-spellings.md").find())
                .isFalse();
        assertThat(OUTSIDE_DESIGN.matcher("(" + "DESIGN" + ".md, Security)").find()).isTrue();
        assertThat(OUTSIDE_DESIGN.matcher("see .." + "/shared/x").find()).isTrue();
        assertThat(OUTSIDE_DESIGN.matcher("docs/architecture.md, Security").find()).isFalse();
        assertThat(all(TAG, "a [" + "RG-T2] row, [" + "LB-KA], not [x] or [A-1]")).containsExactly("LB-KA", "RG-T2");
    }

    private static Set<String> definedTags() {
        return all(DEFINITION, read(SPECIFICATION));
    }

    private static Set<String> all(Pattern p, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static int line(String text, int offset) {
        int n = 1;
        for (int i = 0; i < offset; i++) if (text.charAt(i) == '\n') n++;
        return n;
    }

    /** The file's text, or null for a binary file or one git lists but the work tree does not have. */
    private static String read(String file) {
        Path p = root.resolve(file);
        if (!Files.isRegularFile(p)) return null;
        try {
            byte[] bytes = Files.readAllBytes(p);
            for (int i = 0; i < Math.min(bytes.length, 8000); i++) if (bytes[i] == 0) return null;
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files git tracks; without git (a source archive), every file but build output and git's own. */
    private static List<String> tracked(Path root) throws Exception {
        if (Files.isDirectory(root.resolve(".git")) || Files.isRegularFile(root.resolve(".git"))) {
            try {
                Process git = new ProcessBuilder("git", "ls-files", "-z").directory(root.toFile())
                        .redirectErrorStream(false).start();
                byte[] out = git.getInputStream().readAllBytes();
                if (git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0) {
                    List<String> names = new ArrayList<>();
                    for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
                        if (!name.isEmpty()) names.add(name);
                    }
                    return names;
                }
            } catch (IOException e) {
                // no git on this machine: walk the tree instead
            }
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> !n.startsWith(".git/") && !n.contains("/target/") && !n.startsWith("target/"))
                    .toList();
        }
    }
}
