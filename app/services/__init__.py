"""The one asyncio <-> Qt seam: owns request tasks and reports through typed signals."""
