package dev.tandem.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tandem.node.demo.DemoCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code store} section of a node's configuration (docs/node-config.yaml, docs/store.md): defaults, relative
 * H2 files, and every bad value reported with file, line, key and what is allowed.
 */
class StoreConfigTest {
    private static final String BASE = """
            node:
              id: n1
              address: 10.0.0.11
            """;

    @TempDir
    Path dir;

    private NodeConfig load(String yaml) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("node.yaml"), yaml));
    }

    private String errorOf(String yaml) {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> load(yaml));
        assertThat(e).as("refused:\n%s", yaml).isNotNull();
        return e.getMessage();
    }

    @Test
    void withoutAStoreSectionTheStoreIsAnH2FileInTheStateDirectory() throws Exception {
        NodeConfig c = load(BASE);
        assertThat(c.store().url()).isEqualTo("jdbc:h2:file:" + dir.resolve("state/n1/store/tandem") + ";AUTO_SERVER=TRUE");
        assertThat(c.store().user()).isNull();
        assertThat(c.store().passwordFile()).isNull();
    }

    @Test
    void aRelativeH2FileIsRelativeToTheConfigurationFile() throws Exception {
        NodeConfig c = load(BASE + "store:\n  url: jdbc:h2:file:shared/tandem;AUTO_SERVER=TRUE\n");
        assertThat(c.store().url()).isEqualTo("jdbc:h2:file:" + dir.resolve("shared/tandem") + ";AUTO_SERVER=TRUE");
    }

    @Test
    void aPostgresqlStoreTakesItsUserAndPasswordFile() throws Exception {
        Files.writeString(dir.resolve("store-password"), "s3cret\n");
        NodeConfig c = load(BASE + "store:\n  url: jdbc:postgresql://db.example.com/tandem\n  user: tandem\n"
                + "  passwordFile: store-password\n");
        assertThat(c.store().url()).isEqualTo("jdbc:postgresql://db.example.com/tandem");
        assertThat(c.store().user()).isEqualTo("tandem");
        assertThat(c.store().passwordFile()).isEqualTo(dir.resolve("store-password"));
    }

    @Test
    void badStoreValuesAreReportedWithTheirLine() {
        String file = dir.resolve("node.yaml").toString();
        assertThat(errorOf(BASE + "store:\n  url: jdbc:mysql://db/tandem\n"))
                .startsWith(file + ":5: store.url: 'jdbc:mysql://db/tandem' is not allowed").contains("jdbc:postgresql:");
        assertThat(errorOf(BASE + "store:\n  url: jdbc:postgresql://db/tandem?password=x\n"))
                .startsWith(file + ":5: store.url").contains("passwordFile").doesNotContain("password=x");
        assertThat(errorOf(BASE + "store:\n  url: jdbc:postgresql://db/tandem\n  passwordFile: missing\n"))
                .startsWith(file + ":6: store.passwordFile").contains("not a readable file");
        assertThat(errorOf(BASE + "store:\n  host: db\n")).startsWith(file + ":5: store.host: unknown key 'host'");
    }

    @Test
    void theDemoClusterSharesOneStoreFile() throws Exception {
        List<Path> files = DemoCluster.write(dir.resolve("demo"), 3, DemoCluster.Profile.FAST);
        List<String> urls = files.stream().map(f -> ConfigLoader.load(f).store().url()).distinct().toList();
        assertThat(urls).containsExactly("jdbc:h2:file:" + dir.resolve("demo/store/tandem") + ";AUTO_SERVER=TRUE");
    }
}
