"""Live status over graphql-transport-ws: `syncJob`, `syncActivity`, `fullSyncReview`."""
