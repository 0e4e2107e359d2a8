package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.Ids;

/** Events about the account's devices; {@code deviceId} is the device concerned, not the origin. */
public sealed interface DeviceEvent extends AccountEvent {
    /** The device concerned. */
    String deviceId();

    /** A device announced itself with its certificate and name (status at least announced). */
    record DeviceAnnounced(Dot dot, Hlc time, String deviceId, Bytes certificate, String name) implements DeviceEvent {
        public DeviceAnnounced {
            Events.meta(dot, time);
            Ids.requireDeviceId(deviceId);
            if (certificate == null) throw new IllegalArgumentException("certificate missing");
            Ids.requireText("device name", name);
        }
    }

    /** A device was paired by {@code pairedBy} (status at least paired). */
    record DevicePaired(Dot dot, Hlc time, String deviceId, String pairedBy) implements DeviceEvent {
        public DevicePaired {
            Events.meta(dot, time);
            Ids.requireDeviceId(deviceId);
            Ids.requireDeviceId(pairedBy);
        }
    }

    /** A device got a new name. */
    record DeviceRenamed(Dot dot, Hlc time, String deviceId, String name) implements DeviceEvent {
        public DeviceRenamed {
            Events.meta(dot, time);
            Ids.requireDeviceId(deviceId);
            Ids.requireText("device name", name);
        }
    }

    /** A device was seen active at {@code activeAt} (epoch millis). */
    record DeviceSeenActive(Dot dot, Hlc time, String deviceId, long activeAt) implements DeviceEvent {
        public DeviceSeenActive {
            Events.meta(dot, time);
            Ids.requireDeviceId(deviceId);
        }
    }

    /** A device was retired (expired or removed); absorbing: it must pair again as a new device. */
    record DeviceRetired(Dot dot, Hlc time, String deviceId) implements DeviceEvent {
        public DeviceRetired {
            Events.meta(dot, time);
            Ids.requireDeviceId(deviceId);
        }
    }
}
