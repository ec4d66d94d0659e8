package dev.longvqa.worker;

/** A scene from {@code scenes.json}, clipped to the range a pass covers. */
record SceneInfo(int index, double startSec, double endSec) {}
