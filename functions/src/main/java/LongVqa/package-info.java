/**
 * One exception class per {@code dev.longvqa.error.ErrorCode}, named so that
 * {@code getClass().getName()} is the ASL error name ({@code LongVqa.<CODE>}). The package name
 * breaks Java's lower-case convention on purpose: it is part of the workflow's error contract.
 */
package LongVqa;
