// A downstream module that needs nothing but dice4j.
module org.example.consumer {
    requires org.dice4j;
}
