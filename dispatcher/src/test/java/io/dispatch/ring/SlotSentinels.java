package io.dispatch.ring;

import sun.misc.Unsafe;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Fills every field of a ring slot with a value no producer writes (0x5A bytes, {@code true}, a fresh object of the
 * field's type, or a proxy of its interface that fails any call), as if the slot had carried some other event, and lists the fields a producer left holding them:
 * found by reflection, so a field added to {@link DispatchEvent} later is covered without touching the tests.
 * The arrays are the slot's reused storage and are not compared, but the fallback address's length byte is.
 */
public final class SlotSentinels
{
    private static final Unsafe UNSAFE = unsafe();
    private static final byte B = 0x5A;
    /** The objects {@link #dirty} made (allocated without a constructor): their identity is the sentinel. */
    private static final Set<Object> MADE =
        Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    private SlotSentinels()
    {
    }

    public static void dirty(final DispatchEvent e)
    {
        try
        {
            for (final Field f : fields())
            {
                final Class<?> t = f.getType();
                if (t == int.class)
                {
                    f.setInt(e, 0x5A5A5A5A);
                }
                else if (t == long.class)
                {
                    f.setLong(e, 0x5A5A5A5A5A5A5A5AL);
                }
                else if (t == short.class)
                {
                    f.setShort(e, (short)0x5A5A);
                }
                else if (t == byte.class)
                {
                    f.setByte(e, B);
                }
                else if (t == boolean.class)
                {
                    f.setBoolean(e, true);
                }
                else if (!t.isArray())
                {
                    final Object sentinel = t.isInterface()
                        ? Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t}, SlotSentinels::refuse)
                        : UNSAFE.allocateInstance(t);
                    MADE.add(sentinel);
                    f.set(e, sentinel);
                }
            }
            e.fallbackAddress[0] = B;
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** @return the fields still holding what {@link #dirty} put there. */
    public static List<String> stale(final DispatchEvent e)
    {
        final List<String> stale = new ArrayList<>();
        try
        {
            for (final Field f : fields())
            {
                final Class<?> t = f.getType();
                final Object value = f.get(e);
                if (t.isArray())
                {
                    continue;
                }
                if (t.isPrimitive() ? isSentinel(value) : MADE.contains(value))
                {
                    stale.add(f.getName());
                }
            }
            if (e.fallbackAddress[0] == B)
            {
                stale.add("fallbackAddress[0]");
            }
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError(ex);
        }
        return stale;
    }

    private static Object refuse(final Object proxy, final Method method, final Object[] args)
    {
        throw new AssertionError("a stage called " + method.getName() + " on a reference the slot's previous event left");
    }

    private static boolean isSentinel(final Object value)
    {
        if (value instanceof Boolean)
        {
            return (Boolean)value;
        }
        return ((Number)value).longValue() == ((Number)sentinelOf(value)).longValue();
    }

    private static Object sentinelOf(final Object value)
    {
        if (value instanceof Integer)
        {
            return 0x5A5A5A5A;
        }
        if (value instanceof Long)
        {
            return 0x5A5A5A5A5A5A5A5AL;
        }
        if (value instanceof Short)
        {
            return (short)0x5A5A;
        }
        return B;
    }


    private static List<Field> fields()
    {
        final List<Field> fields = new ArrayList<>();
        for (final Field f : DispatchEvent.class.getDeclaredFields())
        {
            if (!Modifier.isStatic(f.getModifiers()))
            {
                f.setAccessible(true);
                fields.add(f);
            }
        }
        return fields;
    }

    private static Unsafe unsafe()
    {
        try
        {
            final Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe)f.get(null);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
