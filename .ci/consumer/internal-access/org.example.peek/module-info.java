// Must not compile: dice4j exports only org.dice4j.
module org.example.peek {
    requires org.dice4j;
}
