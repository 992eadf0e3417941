package io.participantsync; public class Application { public static void main(String[] a){} }
