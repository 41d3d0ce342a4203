package io.dispatch.ingest;

import io.dispatch.config.AuthLimits;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class AuthThrottleTest
{
    private static final long T0 = 1_000_000;

    @Test
    void shouldAllowTheBurstThenOneAttemptPerInterval() throws Exception
    {
        final AuthThrottle throttle = new AuthThrottle(new AuthLimits(5, 1000, 16));
        final InetAddress a = InetAddress.getByName("192.0.2.1");
        for (int i = 0; i < 5; i++)
        {
            assertThat(throttle.waitMs(a, T0)).isZero();
            throttle.failed(a, T0);
        }
        assertThat(throttle.waitMs(a, T0)).as("first refusal of the episode: negative, to log").isEqualTo(-1000);
        assertThat(throttle.waitMs(a, T0 + 400)).as("later refusals: not logged again").isEqualTo(600);
        assertThat(throttle.waitMs(InetAddress.getByName("192.0.2.2"), T0)).as("other addresses").isZero();

        assertThat(throttle.waitMs(a, T0 + 1000)).as("one interval after the last failure").isZero();
        throttle.failed(a, T0 + 1000);
        assertThat(throttle.waitMs(a, T0 + 1000)).as("a new episode is logged again").isEqualTo(-1000);
        assertThat(throttle.waitMs(a, T0 + 1999)).isEqualTo(1);
        assertThat(throttle.waitMs(a, T0 + 2000)).isZero();
        assertThat(throttle.waitMs(a, T0 + 6000)).as("idle: the whole burst is back").isZero();
        for (int i = 0; i < 5; i++)
        {
            throttle.failed(a, T0 + 6000);
        }
        assertThat(throttle.waitMs(a, T0 + 6000)).isNegative();
    }

    @Test
    void shouldGiveBackTheTokenOfAHelloThatWasRight() throws Exception
    {
        final AuthThrottle throttle = new AuthThrottle(new AuthLimits(1, 1000, 16));
        final InetAddress a = InetAddress.getByName("192.0.2.1");
        throttle.failed(a, T0);
        assertThat(throttle.waitMs(a, T0)).isNegative();
        throttle.succeeded(a);
        assertThat(throttle.waitMs(a, T0)).isZero();
    }

    @Test
    void shouldForgetTheLeastRecentlySeenAddressBeyondTheBound() throws Exception
    {
        final AuthThrottle throttle = new AuthThrottle(new AuthLimits(1, 60_000, 16));
        final InetAddress first = InetAddress.getByName("10.0.0.0");
        throttle.failed(first, T0);
        for (int i = 1; i <= 16; i++)
        {
            throttle.failed(InetAddress.getByName("10.0.0." + i), T0);
            assertThat(throttle.size()).isLessThanOrEqualTo(16);
        }
        assertThat(throttle.waitMs(first, T0)).as("forgotten").isZero();
        assertThat(throttle.waitMs(InetAddress.getByName("10.0.0.16"), T0)).isNegative();
    }

    @Test
    void shouldCountAnIpv6HostByItsSlash64() throws Exception
    {
        final InetAddress a = AuthThrottle.keyOf(new InetSocketAddress(InetAddress.getByName("2001:db8:1:2::1"), 1));
        final InetAddress b = AuthThrottle.keyOf(new InetSocketAddress(InetAddress.getByName("2001:db8:1:2:ffff::9"), 1));
        final InetAddress c = AuthThrottle.keyOf(new InetSocketAddress(InetAddress.getByName("2001:db8:1:3::1"), 1));
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        assertThat(AuthThrottle.keyOf(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1)))
            .isEqualTo(InetAddress.getByName("127.0.0.1"));
    }
}
