package dev.tandem.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The users' CSV on its own (docs/store.md, Import and export). */
class UserCsvTest {
    @Test
    void formulaCellsAreEscapedAndUnescapedBackToThemselves() {
        for (String cell : new String[] {"=SUM(A1)", "+plus", "-minus", "@at", "\tTab", "\rcr"}) {
            String out = UserCsv.escape(cell);
            assertThat(out).startsWith("'").isEqualTo("'" + cell);
            assertThat(UserCsv.unescape(out)).isEqualTo(cell);
        }
        for (String plain : new String[] {"alice", "n1", "", "'quoted", "a=b"}) {
            assertThat(UserCsv.escape(plain)).isEqualTo(plain);
            assertThat(UserCsv.unescape(plain)).isEqualTo(plain);
        }
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsSkipped() {
        UserCsv.Rows r = UserCsv.parse(new StringReader("\uFEFFid,group,home\r\nalice\r\n'-bob,g1,n1\n"));
        assertThat(r.rows()).hasSize(2);
        assertThat(r.rows().get(1)).containsExactly("-bob", "g1", "n1");
        assertThat(r.lineOf()).containsEntry("alice", 2).containsEntry("-bob", 3);
    }

    @Test
    void aHugeLineIsRefusedWithAShortQuoteAndWithoutBeingHeld() {
        String huge = "x".repeat(5_000_000);
        assertThatThrownBy(() -> UserCsv.parse(new StringReader("ok\n" + huge + "\n")))
                .isInstanceOf(ImportError.class)
                .hasMessageStartingWith("line 2: ")
                .hasMessageContaining("longer than " + UserCsv.MAX_LINE)
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(600));
    }

    @Test
    void idsFollowTheSessionServicesRule() {
        assertThat(User.validId("alice.smith@example.com")).isTrue();
        assertThat(User.validId("x".repeat(128))).isTrue();
        for (String bad : new String[] {"x".repeat(129), "a b", "a!b", "a#b", "caf\u00e9", "", "a/b"}) {
            assertThat(User.validId(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> UserCsv.parse(new StringReader("ok\nbad!id\n"))).hasMessageStartingWith("line 2: ")
                .hasMessageContaining(User.ID_ALLOWED);
    }

    @Test
    void everyBadLineIsNamedAtOnceTheFirstTwentyInFull() {
        assertThatThrownBy(() -> UserCsv.parse(new StringReader("id\nok\nbad!id\na,b,c,d\nok\n")))
                .isInstanceOf(ImportError.class)
                .hasMessage("line 3: " + messageOf("bad!id") + "\nline 4: 'a,b,c,d' has 4 fields; allowed: id[,group[,home]]"
                        + "\nline 5: id 'ok' appears again (first on line 2)")
                .extracting(e -> ((ImportError) e).line()).isEqualTo(3);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 25; i++) many.append("bad!").append(i).append('\n');
        assertThatThrownBy(() -> UserCsv.parse(new StringReader(many.toString())))
                .hasMessageStartingWith("line 1: ").hasMessageContaining("\nline 20: ").hasMessageNotContaining("line 21: ")
                .hasMessageEndingWith("\n(and 5 more lines with errors)");
    }

    private static String messageOf(String id) {
        try {
            User.checkId(id);
            throw new AssertionError(id + " was accepted");
        } catch (dev.tandem.core.Invalid e) {
            return e.getMessage();
        }
    }
}
