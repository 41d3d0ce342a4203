package io.dispatch.connector.kakao;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.Secret;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

import java.util.concurrent.atomic.AtomicLong;

/**
 * NHN KakaoTalk Bizmessage result webhooks, fuzzed: any body posted with the right signature is answered 200
 * or 400 with a JSON reason (never an exception), and only an answered 200 reports receipts.
 */
class KakaoAnswerFuzzTest
{
    private static final String PATH = "/kakao/results";
    private static final String SIGNATURE = "fuzz-signature";

    private final AtomicLong receipts = new AtomicLong();
    private final KakaoWebhookHandler handler = new KakaoWebhookHandler(PATH, Secret.of(SIGNATURE),
        new KakaoReceipts((messageId, state, reason) -> receipts.incrementAndGet(), 1024));

    @FuzzTest(maxDuration = "60s")
    void webhook(final byte[] body)
    {
        final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, PATH,
            Unpooled.wrappedBuffer(body));
        request.headers().set(KakaoWebhookHandler.SIGNATURE_HEADER, SIGNATURE);
        final long before = receipts.get();
        final HttpReceiver.Answer answer = handler.handle(request);
        if (answer == null || (answer.status() != 200 && answer.status() != 400)
            || (answer.status() != 200 && receipts.get() != before))
        {
            throw new AssertionError("answered " + answer + " after " + (receipts.get() - before) + " receipts");
        }
    }
}
