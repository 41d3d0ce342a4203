package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOpWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SegmentParserTest
{
    private final TenantDirectory tenant;

    SegmentParserTest()
    {
        final Directory directory = new Directory();
        new Ops().apply(directory, 1, new DirectoryOpWriter().upsert("x").string("grade", "gold").integer("points", 1)
            .time("signup", 1L), 0);
        tenant = directory.tenant(1);
    }

    @Test
    void shouldCompileTheIssueExamplesAndKeywordsInAnyCase()
    {
        assertThatCode(() ->
        {
            tenant.compile("gender = 'F' and age between 20 and 29 and last_purchase within 7d and not tag('vip') "
                + "and reachable('push')");
            tenant.compile("exists(last_visit) and last_visit before 90d");
            tenant.compile("reachable('push') AND Consent('push') And NOT tag('vip')");
            tenant.compile("(region in ('서울', '경기') or grade != 'gold') and points >= 100 and consent('sms', 'night')");
            tenant.compile("region not in ('부산') or age < 30 or points between -5 and 5 or signup within 36h");
            tenant.compile("tag('it''s') or age in (20, 21) or points not in (1, 2)");
        }).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "gender = 'F' and age between x and 29|30|a number after 'between'|'x'",
        "gender = 'F' and age between 20 29|33|'and' after the lower bound of 'between'|'29'",
        "colour = 'red'|1|a known attribute|'colour' (no such attribute)",
        "region > 3|8|=, !=, in or not in for STRING attribute 'region'|'>'",
        "points = 'many'|10|a number for INT attribute 'points'|''many''",
        "last_visit = 3|12|'within' or 'before' for TIME attribute 'last_visit'|'='",
        "last_visit within 7|19|a duration like 7d, 12h, 30m or 45s after 'within'|'7'",
        "last_visit within 7w|19|a duration like 7d, 12h, 30m or 45s|'7w'",
        "tag(vip)|5|a quoted tag after 'tag('|'vip'",
        "reachable('fax')|11|'sms', 'push' or 'chat' after 'reachable('|''fax''",
        "consent('sms', 'day')|16|'night' as the second argument of consent|''day''",
        "gender = 'F' gender|14|'and', 'or' or end of input|'gender'",
        "(gender = 'F'|14|')' or 'and', 'or'|end of input",
        "gender = 'F' and|17|a predicate: an attribute, tag(...), exists(...), reachable(...), consent(...) or '('|end of input",
        "region = 'abc|14|a closing quote for the string at 10|end of input",
        "phone = '010'|7|exists(phone) or reachable(...): addresses have no value index|'='",
        "gender # 'F'|8|an attribute, a value or an operator|'#'",
        "exists(colour)|8|a known attribute|'colour' (no such attribute)",
    })
    void shouldReportWhereAndWhatWasExpected(final String expression, final int position, final String expected,
        final String found)
    {
        final SegmentException ex = catchThrowableOfType(SegmentException.class, () -> tenant.compile(expression));
        assertThat(ex).as(expression).isNotNull();
        assertThat(ex.position()).as(ex.getMessage()).isEqualTo(position);
        assertThat(ex.expected()).isEqualTo(expected);
        assertThat(ex.found()).isEqualTo(found);
        assertThat(ex.getMessage()).isEqualTo("at " + position + ": expected " + expected + ", found " + found);
    }
}
