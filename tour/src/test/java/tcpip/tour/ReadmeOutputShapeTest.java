package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a README excerpt must keep from a fresh run (its shape) and what may change (measured values). */
final class ReadmeOutputShapeTest {

    @Test
    void aMeasuredBarOfAnyLengthHasOneShapeEvenWhenShorterThanOneCell() {
        String shortest = ReadmeOutput.shape("  result  | stream           1 B |.                          0.1");
        String longer = ReadmeOutput.shape("  result  | stream           1 B |###                        15.6");
        assertThat(shortest).isEqualTo(longer);
    }

    @Test
    void wordsStillMatter() {
        assertThat(ReadmeOutput.shape("  result  | stream 1 B |#  0.1"))
                .isNotEqualTo(ReadmeOutput.shape("  result  | channel 1 B |#  0.1"));
        assertThat(ReadmeOutput.shape("  note    | ends with a dot."))
                .isEqualTo("note | ends with a dot.");
    }
}
