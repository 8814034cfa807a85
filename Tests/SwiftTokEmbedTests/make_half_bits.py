#!/usr/bin/env python3
"""Prints the (float16 bits, float32 bits) pairs used in SafeTensorsTests.halfBitsFromNumpy: numpy's
IEEE binary16 -> binary32 widening is the independent truth for our bit-level decoder."""
import numpy as np

halves = np.array([0x0000, 0x8000, 0x3C00, 0xBC00, 0x3555, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x7C00, 0xFC00,
                   0x4248, 0xC0A0, 0x2E66, 0x1234, 0x8001, 0x83FF], dtype=np.uint16)
wide = halves.view(np.float16).astype(np.float32).view(np.uint32)
print(",\n".join(f"(0x{h:04X}, 0x{w:08X})" for h, w in zip(halves, wide)))
