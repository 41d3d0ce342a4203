package io.dispatch.client.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CsvReaderTest
{
    private final List<String> fields = new ArrayList<>();

    @Test
    void shouldReadQuotedFieldsWithCommasDoubledQuotesAndLineBreaks() throws IOException
    {
        final CsvReader csv = new CsvReader(new StringReader(
            "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",x,\r\nlast,,\"\""));

        assertThat(csv.next(fields)).isEqualTo(CsvReader.RECORD);
        assertThat(fields).containsExactly("a", "b,c", "say \"hi\"");
        assertThat(csv.recordLine()).isEqualTo(1);

        assertThat(csv.next(fields)).isEqualTo(CsvReader.RECORD);
        assertThat(fields).containsExactly("two\nlines", "x", "");
        assertThat(csv.recordLine()).isEqualTo(2);

        assertThat(csv.next(fields)).isEqualTo(CsvReader.RECORD);
        assertThat(fields).containsExactly("last", "", "");
        assertThat(csv.recordLine()).as("the embedded line break counts").isEqualTo(4);

        assertThat(csv.next(fields)).isEqualTo(CsvReader.EOF);
    }

    @Test
    void shouldReportAMalformedRecordAndResumeOnTheNextLine() throws IOException
    {
        final CsvReader csv = new CsvReader(new StringReader("a,b\"c,d\n\"x\"y,z\nok,1\n\"never\nclosed,2\n"));

        assertThat(csv.next(fields)).isEqualTo(CsvReader.BAD);
        assertThat(csv.problem()).contains("quote inside unquoted field 2");
        assertThat(csv.recordLine()).isEqualTo(1);

        assertThat(csv.next(fields)).isEqualTo(CsvReader.BAD);
        assertThat(csv.problem()).contains("text after a closing quote in field 1");
        assertThat(csv.recordLine()).isEqualTo(2);

        assertThat(csv.next(fields)).isEqualTo(CsvReader.RECORD);
        assertThat(fields).containsExactly("ok", "1");
        assertThat(csv.recordLine()).isEqualTo(3);

        assertThat(csv.next(fields)).isEqualTo(CsvReader.BAD);
        assertThat(csv.problem()).isEqualTo("quoted field opened on line 4 is never closed");
        assertThat(csv.next(fields)).isEqualTo(CsvReader.EOF);
    }
}
