// A downstream module that uses dice4j's DJL adapter. DJL is an optional (static) dependency of dice4j, which the
// module system does not resolve on its own: a module that uses the adapter requires DJL itself.
module org.example.djl {
    requires org.dice4j;
    requires ai.djl.api;
}
