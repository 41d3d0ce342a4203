package io.dispatch.config;

/**
 * How a lane reacts to provider throttling (AIMD): each throttle episode multiplies the lane's speed by
 * {@code cutPercent}/100, never below {@code floorPercent}; every second with successes and no throttle
 * adds {@code recoveryPercentPerSecond} back, up to 100 %. A throttled send pauses the lane for the
 * provider's retry-after, or {@code pauseMs} when it gave none.
 */
public record ThrottleSettings(int cutPercent, int floorPercent, int recoveryPercentPerSecond, long pauseMs)
{
}
