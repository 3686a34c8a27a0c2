// RawTransmission module (see Documentation.docc/RawTransmission.md).
